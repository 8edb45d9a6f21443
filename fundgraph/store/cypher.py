"""The Cypher text of the store: the schema statements and every query, and the
``:Case`` node's layout (docs/neo4j.md).

Only labels, relationship types and property names fixed here or in
:mod:`fundgraph.schema` appear in Cypher text; every value, and every property map, goes
in as a query parameter.
"""

from __future__ import annotations

from .. import schema as S

#: Version of the layout on the ``:Case`` node; pull refuses a newer one.
MODEL_VERSION = 1


# Small tables kept as JSON text on the :Case node (rejects are not pushed: their
# counts are in case.json and their raw rows stay with the case folder).
_CASE_TABLES = {
    "alerts": ("alerts_json", S.ALERTS),
    "warnings": ("warnings_json", S.WARNINGS),
    "files": ("files_json", S.FILES),
    "communities": ("communities_json", None),
    "restitution": ("restitution_json", None),
}

#: case.json fields copied onto the :Case node as plain properties (money as float yuan).
_HEADLINE = (
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "transfers",
    "accounts",
    "total_absorbed",
    "participant_persons",
    "participant_accounts",
    "direct_loss",
    "max_level",
)

# --- schema: (name, statement, fallback index statement or None) -------------------------
_CONSTRAINTS = (
    (
        "fg_account_key",
        "CREATE CONSTRAINT fg_account_key IF NOT EXISTS "
        "FOR (a:Account) REQUIRE (a.case, a.account) IS UNIQUE",
        "CREATE INDEX fg_account_key_idx IF NOT EXISTS FOR (a:Account) ON (a.case, a.account)",
    ),
    (
        "fg_person_key",
        "CREATE CONSTRAINT fg_person_key IF NOT EXISTS "
        "FOR (p:Person) REQUIRE (p.case, p.person) IS UNIQUE",
        "CREATE INDEX fg_person_key_idx IF NOT EXISTS FOR (p:Person) ON (p.case, p.person)",
    ),
    (
        "fg_cash_key",
        "CREATE CONSTRAINT fg_cash_key IF NOT EXISTS FOR (c:Cash) REQUIRE c.case IS UNIQUE",
        "CREATE INDEX fg_cash_key_idx IF NOT EXISTS FOR (c:Cash) ON (c.case)",
    ),
    (
        "fg_unknown_key",
        "CREATE CONSTRAINT fg_unknown_key IF NOT EXISTS FOR (u:Unknown) REQUIRE u.case IS UNIQUE",
        "CREATE INDEX fg_unknown_key_idx IF NOT EXISTS FOR (u:Unknown) ON (u.case)",
    ),
    (
        "fg_case_key",
        "CREATE CONSTRAINT fg_case_key IF NOT EXISTS FOR (c:Case) REQUIRE c.name IS UNIQUE",
        "CREATE INDEX fg_case_key_idx IF NOT EXISTS FOR (c:Case) ON (c.name)",
    ),
    (
        # relationship uniqueness constraints exist from Neo4j 5.7 on
        "fg_transfer_key",
        "CREATE CONSTRAINT fg_transfer_key IF NOT EXISTS "
        "FOR ()-[t:TRANSFER]-() REQUIRE (t.case, t.transfer_id) IS UNIQUE",
        "CREATE INDEX fg_transfer_key_idx IF NOT EXISTS "
        "FOR ()-[t:TRANSFER]-() ON (t.case, t.transfer_id)",
    ),
)
# No index on ``case`` alone: ArcadeDB's planner would pick it over the (case, account)
# key for ``MATCH (a:Account {case: $case, account: $x})`` and scan the whole case per row.
_INDEXES = ("CREATE INDEX fg_account_role IF NOT EXISTS FOR (a:Account) ON (a.role)",)
# Indexes on ``case`` alone serve deletes, pulls and per-case browsing on Neo4j. ArcadeDB
# is not given them: its planner may prefer them to the (case, account) key for
# ``MATCH (a:Account {case: $case, account: $x})`` and then scan the whole case per row.
_CASE_INDEXES = (
    "CREATE INDEX fg_account_case IF NOT EXISTS FOR (a:Account) ON (a.case)",
    "CREATE INDEX fg_person_case IF NOT EXISTS FOR (p:Person) ON (p.case)",
    "CREATE INDEX fg_transfer_case IF NOT EXISTS FOR ()-[t:TRANSFER]-() ON (t.case)",
)

# --- statements ----------------------------------------------------------------------------
_Q_CASE_BEGIN = (
    "MERGE (c:Case {name: $case}) "
    "SET c.case = $case, c.push_complete = false, c.model_version = $version, "
    "c.content_hash = $hash"
)
_Q_CASE_HELD = (
    "OPTIONAL MATCH (c:Case {name: $case}) "
    "RETURN count(c) AS cases, collect(c.content_hash)[0] AS hash"
)
_Q_CASE_DATA = "MATCH (a:Account {case: $case}) RETURN count(a) AS n LIMIT 1"
_Q_CASE_FINISH = "MATCH (c:Case {name: $case}) SET c = $props"
_Q_CASH = "MERGE (c:Cash {case: $case})"
_Q_UNKNOWN = "MERGE (u:Unknown {case: $case})"
# Each row is a map ``r``: ``r.key`` the key, ``r.props`` every property but the times,
# and one ``r.<time column>`` ISO string per time column of the schema, turned into a
# LocalDateTime by the server. (ArcadeDB decodes temporal parameters far slower than
# text; the result is the same LocalDateTime on both servers.) ``{times}`` is filled by
# _rows() from the schemas in fundgraph.schema only.
_Q_ACCOUNTS = (
    "UNWIND $rows AS r MERGE (a:Account {case: $case, account: r.key}) SET a = r.props{times}"
)
_Q_ACCOUNTS_NEW = "UNWIND $rows AS r CREATE (a:Account) SET a = r.props{times}"
_Q_ENDPOINTS = "UNWIND $rows AS account MERGE (a:Account {case: $case, account: account})"
_Q_PARTICIPANTS = (
    "UNWIND $rows AS r MERGE (a:Account {case: $case, account: r.key}) SET a += r.props{times}"
)
_Q_PERSONS = (
    "UNWIND $rows AS r MERGE (p:Person {case: $case, person: r.key}) "
    "SET p.holder_id = r.key, p.name = r.name"
)
_Q_HOLDS = (
    "UNWIND $rows AS r MATCH (p:Person {case: $case, person: r.key}) "
    "MATCH (a:Account {case: $case, account: r.account}) "
    "MERGE (p)-[h:HOLDS {case: $case}]->(a)"
)
_TRANSFER_ENDS = {
    ("Account", "Account"): (
        "MATCH (s:Account {case: $case, account: r.src}) "
        "MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Cash", "Account"): (
        "MATCH (s:Cash {case: $case}) MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Account", "Cash"): (
        "MATCH (s:Account {case: $case, account: r.src}) MATCH (d:Cash {case: $case}) "
    ),
    ("Unknown", "Account"): (
        "MATCH (s:Unknown {case: $case}) MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Account", "Unknown"): (
        "MATCH (s:Account {case: $case, account: r.src}) MATCH (d:Unknown {case: $case}) "
    ),
    ("Cash", "Cash"): "MATCH (s:Cash {case: $case}) MATCH (d:Cash {case: $case}) ",
    ("Unknown", "Unknown"): "MATCH (s:Unknown {case: $case}) MATCH (d:Unknown {case: $case}) ",
}
# MERGE on (case, transfer_id) makes a re-run (after an interruption, or a second push)
# update instead of duplicate. A push into a case the database does not hold yet creates
# instead (faster); a re-run after an interruption finds the :Case node and merges.
_Q_TRANSFER = (
    "UNWIND $rows AS r {ends}"
    "MERGE (s)-[t:TRANSFER {case: $case, transfer_id: r.key}]->(d) SET t = r.props{times}"
)
_Q_TRANSFER_NEW = "UNWIND $rows AS r {ends}CREATE (s)-[t:TRANSFER]->(d) SET t = r.props{times}"
_Q_CASE_EXISTS = (
    "OPTIONAL MATCH (c:Case {name: $case}) OPTIONAL MATCH (a:Account {case: $case}) "
    "RETURN count(c) + count(a) AS n LIMIT 1"
)
_Q_DELETE_RELS = {
    "TRANSFER": (
        "MATCH ()-[t:TRANSFER {case: $case}]->() WITH t LIMIT $limit DELETE t RETURN count(*) AS n"
    ),
    "HOLDS": (
        "MATCH ()-[h:HOLDS {case: $case}]->() WITH h LIMIT $limit DELETE h RETURN count(*) AS n"
    ),
}
_Q_DELETE_NODES = {
    "Account": (
        "MATCH (n:Account {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Person": (
        "MATCH (n:Person {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Cash": (
        "MATCH (n:Cash {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Unknown": (
        "MATCH (n:Unknown {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Case": (
        "MATCH (n:Case {name: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
}
_Q_COUNTS = (
    ("accounts", "MATCH (a:Account {case: $case}) RETURN count(a) AS n"),
    (
        "participants",
        "MATCH (a:Account {case: $case}) WHERE a.participant = true RETURN count(a) AS n",
    ),
    ("persons", "MATCH (p:Person {case: $case}) RETURN count(p) AS n"),
    ("holds", "MATCH ()-[h:HOLDS {case: $case}]->() RETURN count(h) AS n"),
    ("transfers", "MATCH ()-[t:TRANSFER {case: $case}]->() RETURN count(t) AS n"),
    ("cash", "MATCH (c:Cash {case: $case}) RETURN count(c) AS n"),
    ("unknown", "MATCH (u:Unknown {case: $case}) RETURN count(u) AS n"),
)
_Q_PULL_CASE = "MATCH (c:Case {name: $case}) RETURN properties(c) AS p"
_Q_PULL_ACCOUNTS = (
    "MATCH (a:Account {case: $case}) WHERE a.account_row IS NOT NULL "
    "RETURN a.account_row AS row_, a.account AS key_{fields}"
)
_Q_PULL_PARTICIPANTS = (
    "MATCH (a:Account {case: $case}) WHERE a.participant_row IS NOT NULL "
    "RETURN a.participant_row AS row_, a.account AS key_{fields}"
)
_Q_PULL_TRANSFERS = (
    "MATCH (s)-[t:TRANSFER {case: $case}]->(d) "
    "RETURN t.transfer_id AS row_, s.account AS src_, d.account AS dst_{fields}"
)
_Q_LIST_CASES = (
    "MATCH (c:Case) RETURN c.name AS name, c.push_complete AS complete, "
    "c.transfers AS transfers, c.accounts AS accounts ORDER BY name"
)
