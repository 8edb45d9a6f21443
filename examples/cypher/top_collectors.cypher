// Top collectors: the accounts that took money from the most participants.
// Parameters: $case (case name).
MATCH (p:Account {case: $case, participant: true})-[t:TRANSFER]->(c:Account {case: $case})
WHERE c.role IN ['collector', 'core']
RETURN c.account AS account,
       c.holder_name AS holder,
       c.role AS role,
       c.level AS level,
       count(DISTINCT p) AS participants,
       count(t) AS transfers,
       sum(t.amount_cents) / 100.0 AS received_yuan
ORDER BY participants DESC, received_yuan DESC
LIMIT 20;
