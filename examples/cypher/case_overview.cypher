// One case at a glance: the headline figures kept on its :Case node, and what it holds.
// Parameters: $case (case name).
MATCH (c:Case {name: $case})
OPTIONAL MATCH (a:Account {case: $case})
WITH c, count(a) AS accounts, sum(CASE WHEN a.participant THEN 1 ELSE 0 END) AS participants
RETURN c.name AS case,
       c.push_complete AS complete,
       c.total_absorbed AS total_absorbed_yuan,
       c.direct_loss AS direct_loss_yuan,
       c.participant_persons AS participant_persons,
       c.max_level AS max_level,
       accounts,
       participants;
