// The biggest transfers out of the core accounts, to anyone but another core account
// (withdrawals in cash show as "(cash)").
// Parameters: $case (case name).
MATCH (core:Account {case: $case, role: 'core'})-[t:TRANSFER]->(d)
WHERE d:Cash OR d.role <> 'core'
RETURN core.account AS from_core,
       CASE WHEN d:Cash THEN '(cash)' ELSE d.account END AS to_account,
       d.holder_name AS to_holder,
       d.role AS to_role,
       t.amount AS amount_yuan,
       t.time AS time,
       t.memo AS memo
ORDER BY t.amount_cents DESC, t.transfer_id
LIMIT 25;
