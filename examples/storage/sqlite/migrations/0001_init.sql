-- scopegate's tables. Times are Unix nanoseconds: revocations compare
-- them to the nanosecond. Secrets and codes are kept only as SHA-256
-- sums. Lists are JSON arrays; scope sets their canonical text.

CREATE TABLE clients (
	id                           TEXT PRIMARY KEY,
	org                          TEXT NOT NULL,
	name                         TEXT NOT NULL,
	description                  TEXT NOT NULL,
	token_lifetime_ns            INTEGER NOT NULL,
	state                        INTEGER NOT NULL,
	grant_type                   INTEGER NOT NULL,
	public                       INTEGER NOT NULL,
	scopes                       TEXT NOT NULL,
	redirect_uris                TEXT NOT NULL,
	roles                        TEXT NOT NULL,
	secret_sha256                BLOB CHECK (length(secret_sha256) = 32),
	previous_secret_sha256       BLOB CHECK (length(previous_secret_sha256) = 32),
	previous_secret_not_after_ns INTEGER,
	revision                     INTEGER NOT NULL,
	created_at_ns                INTEGER,
	updated_at_ns                INTEGER,
	disabled_at_ns               INTEGER
) STRICT;
CREATE INDEX clients_org ON clients (org);

CREATE TABLE authorizations (
	org       TEXT NOT NULL,
	client_id TEXT NOT NULL,
	granted   TEXT NOT NULL,
	denied    TEXT NOT NULL,
	by_kind   INTEGER NOT NULL,
	by_id     TEXT NOT NULL,
	at_ns     INTEGER,
	PRIMARY KEY (org, client_id)
) STRICT;

CREATE TABLE consents (
	org           TEXT NOT NULL,
	client_id     TEXT NOT NULL,
	user_id       TEXT NOT NULL,
	scopes        TEXT NOT NULL,
	granted_at_ns INTEGER,
	PRIMARY KEY (org, client_id, user_id)
) STRICT;

CREATE TABLE codes (
	hash           BLOB PRIMARY KEY CHECK (length(hash) = 32),
	org            TEXT NOT NULL,
	client_id      TEXT NOT NULL,
	user_id        TEXT NOT NULL,
	redirect_uri   TEXT NOT NULL,
	scopes         TEXT NOT NULL,
	code_challenge TEXT NOT NULL,
	issued_at_ns   INTEGER,
	expires_at_ns  INTEGER,
	used           INTEGER NOT NULL DEFAULT 0,
	replayed       INTEGER NOT NULL DEFAULT 0,
	token          TEXT
) STRICT;
CREATE INDEX codes_expiry ON codes (expires_at_ns);

CREATE TABLE revoked_tokens (
	id       TEXT PRIMARY KEY,
	until_ns INTEGER NOT NULL
) STRICT;
CREATE INDEX revoked_tokens_until ON revoked_tokens (until_ns);

CREATE TABLE revoked_users (
	org     TEXT NOT NULL,
	user_id TEXT NOT NULL,
	at_ns   INTEGER NOT NULL,
	PRIMARY KEY (org, user_id)
) STRICT;

CREATE TABLE revoked_clients (
	client_id TEXT PRIMARY KEY,
	at_ns     INTEGER NOT NULL
) STRICT;

CREATE TABLE divisions (
	org  TEXT NOT NULL,
	id   TEXT NOT NULL,
	name TEXT NOT NULL,
	home INTEGER NOT NULL,
	PRIMARY KEY (org, id),
	UNIQUE (org, name)
) STRICT;
CREATE UNIQUE INDEX divisions_home ON divisions (org) WHERE home;

CREATE TABLE members (
	org     TEXT NOT NULL,
	user_id TEXT NOT NULL,
	PRIMARY KEY (org, user_id)
) STRICT;

CREATE TABLE roles (
	org         TEXT NOT NULL,
	id          TEXT NOT NULL,
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	policies    TEXT NOT NULL,
	PRIMARY KEY (org, id)
) STRICT;

-- A grant names a role of its own org; deleting the role deletes its
-- grants. The rowid keeps the order grants were made in.
CREATE TABLE grants (
	org           TEXT NOT NULL,
	subject_kind  INTEGER NOT NULL,
	subject_id    TEXT NOT NULL,
	role          TEXT NOT NULL,
	all_divisions INTEGER NOT NULL,
	divisions     TEXT NOT NULL,
	PRIMARY KEY (org, subject_kind, subject_id, role),
	FOREIGN KEY (org, role) REFERENCES roles (org, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX grants_role ON grants (org, role);

CREATE TABLE group_members (
	org      TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	group_id TEXT NOT NULL,
	PRIMARY KEY (org, user_id, group_id)
) STRICT;
