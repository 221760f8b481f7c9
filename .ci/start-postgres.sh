# .ci/start-postgres.sh — sourced by .ci/run (bash, set -euo pipefail, with
# on_exit defined). Starts a throwaway PostgreSQL 15 for the tests of
# examples/storage/postgres and the demo API:
#
#   - installs Debian's postgresql package if initdb or pg_ctl is missing;
#   - runs initdb, as the postgres user, into a new temporary directory;
#   - starts the server with pg_ctl on a free loopback port, its socket in
#     that directory, trusting local connections only;
#   - exports SCOPEGATE_POSTGRES_DSN, which the tests read;
#   - registers with on_exit how to stop it and remove the directory, so
#     that both happen at exit, failure or not.
#
# It can also be sourced by hand, for a local run of the PostgreSQL tests,
# in a shell of its own (it exits on a failure), with an on_exit that
# runs every command registered, the last one first:
#
#   bash -c 'set -euo pipefail
#   on_exit() { exits="$1; ${exits:-}"; trap "$exits" EXIT; }
#   source .ci/start-postgres.sh
#   go test ./examples/storage/...'

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

if ! pg_bin=$(pg_bindir); then
	echo "start-postgres: installing Debian's postgresql package"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq postgresql >/dev/null
	pg_bin=$(pg_bindir)
fi
if ! id postgres >/dev/null 2>&1; then
	useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# A free loopback port: a random one that nothing answers on.
pg_port=
for _ in $(seq 50); do
	p=$((20000 + RANDOM % 30000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		pg_port=$p
		break
	fi
done
[ -n "$pg_port" ] || { echo "start-postgres: no free port" >&2; exit 1; }

pg_dir=$(mktemp -d /tmp/scopegate-pg.XXXXXX)
chown postgres: "$pg_dir"
chmod 700 "$pg_dir"
# Registered first, so that it runs last: after the server has stopped.
on_exit "rm -rf $(printf %q "$pg_dir")"

as_postgres() { (cd / && runuser -u postgres -- "$@"); }
if [ "$(id -u)" != 0 ]; then
	as_postgres() { (cd / && "$@"); } # not root: run as ourselves
fi

as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 || {
	cat "$pg_dir/initdb.log" >&2
	exit 1
}
pg_stop() { as_postgres "$1/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null 2>&1 || true; }
on_exit "pg_stop $(printf %q "$pg_bin") $(printf %q "$pg_dir")"
# Enough connections for the tests' pools, replicas and listeners, and
# fsync off: the data is thrown away at exit.
as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
	-o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c max_connections=200 -c fsync=off -c full_page_writes=off" >/dev/null || {
	cat "$pg_dir/server.log" >&2
	exit 1
}

export SCOPEGATE_POSTGRES_DSN="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
echo "start-postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port; SCOPEGATE_POSTGRES_DSN is set"
