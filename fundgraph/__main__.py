from fundgraph.cli import main

main()
