"""``fundgraph analyze`` and ``fundgraph demo``."""
