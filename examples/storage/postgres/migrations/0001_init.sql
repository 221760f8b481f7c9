-- scopegate's tables, in their own schema ({schema} is its quoted name).
-- Times are Unix nanoseconds (bigint): revocations compare them to the
-- nanosecond. Secrets and codes are kept only as SHA-256 sums.

CREATE TABLE {schema}.clients (
	id                           uuid PRIMARY KEY,
	org                          text NOT NULL,
	name                         text NOT NULL,
	description                  text NOT NULL,
	token_lifetime_ns            bigint NOT NULL,
	state                        smallint NOT NULL,
	grant_type                   smallint NOT NULL,
	public                       boolean NOT NULL,
	scopes                       text NOT NULL,
	redirect_uris                jsonb NOT NULL,
	roles                        jsonb NOT NULL,
	secret_sha256                bytea CHECK (length(secret_sha256) = 32),
	previous_secret_sha256       bytea CHECK (length(previous_secret_sha256) = 32),
	previous_secret_not_after_ns bigint,
	revision                     bigint NOT NULL,
	created_at_ns                bigint,
	updated_at_ns                bigint,
	disabled_at_ns               bigint
);
CREATE INDEX ON {schema}.clients (org);

CREATE TABLE {schema}.authorizations (
	org       text NOT NULL,
	client_id uuid NOT NULL,
	granted   text NOT NULL,
	denied    text NOT NULL,
	by_kind   smallint NOT NULL,
	by_id     text NOT NULL,
	at_ns     bigint,
	PRIMARY KEY (org, client_id)
);

-- One row per consent: AddConsent's union of scopes is one upsert, and a
-- DeleteConsent at the same time comes before it or after it.
CREATE TABLE {schema}.consents (
	org           text NOT NULL,
	client_id     uuid NOT NULL,
	user_id       text NOT NULL,
	scopes        text[] NOT NULL,
	granted_at_ns bigint,
	PRIMARY KEY (org, client_id, user_id)
);

CREATE TABLE {schema}.codes (
	hash           bytea PRIMARY KEY CHECK (length(hash) = 32),
	org            text NOT NULL,
	client_id      uuid NOT NULL,
	user_id        text NOT NULL,
	redirect_uri   text NOT NULL,
	scopes         text NOT NULL,
	code_challenge text NOT NULL,
	issued_at_ns   bigint,
	expires_at_ns  bigint,
	used           boolean NOT NULL DEFAULT false,
	replayed       boolean NOT NULL DEFAULT false,
	token          jsonb
);
CREATE INDEX ON {schema}.codes (expires_at_ns);

CREATE TABLE {schema}.revoked_tokens (
	id       uuid PRIMARY KEY,
	until_ns bigint NOT NULL
);
CREATE INDEX ON {schema}.revoked_tokens (until_ns);

CREATE TABLE {schema}.revoked_users (
	org     text NOT NULL,
	user_id text NOT NULL,
	at_ns   bigint NOT NULL,
	PRIMARY KEY (org, user_id)
);

CREATE TABLE {schema}.revoked_clients (
	client_id uuid PRIMARY KEY,
	at_ns     bigint NOT NULL
);

CREATE TABLE {schema}.divisions (
	org  text NOT NULL,
	id   text NOT NULL,
	name text NOT NULL,
	home boolean NOT NULL,
	PRIMARY KEY (org, id),
	UNIQUE (org, name)
);
CREATE UNIQUE INDEX ON {schema}.divisions (org) WHERE home;

CREATE TABLE {schema}.members (
	org     text NOT NULL,
	user_id text NOT NULL,
	PRIMARY KEY (org, user_id)
);

CREATE TABLE {schema}.roles (
	org         text NOT NULL,
	id          text NOT NULL,
	name        text NOT NULL,
	description text NOT NULL,
	policies    text[] NOT NULL,
	PRIMARY KEY (org, id)
);

-- A grant names a role of its own org; deleting the role deletes its
-- grants. seq keeps the order grants were made in.
CREATE TABLE {schema}.grants (
	org           text NOT NULL,
	subject_kind  smallint NOT NULL,
	subject_id    text NOT NULL,
	role          text NOT NULL,
	all_divisions boolean NOT NULL,
	divisions     text[] NOT NULL,
	seq           bigserial,
	PRIMARY KEY (org, subject_kind, subject_id, role),
	FOREIGN KEY (org, role) REFERENCES {schema}.roles (org, id) ON DELETE CASCADE
);
CREATE INDEX ON {schema}.grants (org, role);

CREATE TABLE {schema}.group_members (
	org      text NOT NULL,
	user_id  text NOT NULL,
	group_id text NOT NULL,
	seq      bigserial,
	PRIMARY KEY (org, user_id, group_id)
);
