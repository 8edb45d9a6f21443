// How did one participant's money reach the core? Shortest money paths (up to 6 hops).
// Parameters: $case (case name), $account (the participant's account number).
MATCH (p:Account {case: $case, account: $account})
MATCH (core:Account {case: $case, role: 'core'})
MATCH path = shortestPath((p)-[:TRANSFER*..6]->(core))
RETURN core.account AS core,
       length(path) AS hops,
       [n IN nodes(path) | n.account] AS accounts,
       [n IN nodes(path) | n.holder_name] AS holders,
       [r IN relationships(path) | r.amount] AS amounts_yuan
ORDER BY hops, core
LIMIT 10;
