// Members of one collection structure, level by level from its core (level 0).
// Parameters: $case (case name), $structure (structure id, an integer).
MATCH (a:Account {case: $case, structure: $structure})
OPTIONAL MATCH (person:Person {case: $case})-[:HOLDS]->(a)
RETURN a.level AS level,
       a.role AS role,
       a.account AS account,
       a.holder_name AS holder,
       person.holder_id AS holder_id,
       a.in_amount AS in_yuan,
       a.out_amount AS out_yuan,
       a.paid_in AS paid_in_yuan,
       a.net_loss AS net_loss_yuan
ORDER BY level, role, account;
