package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/permission"
)

// knownOrg fails with permission.ErrUnknownOrg for an org without
// divisions. It locks the org's Home division row, so that the org stays
// known until tx ends.
func (s *Store) knownOrg(ctx context.Context, tx pgx.Tx, org permission.OrgID) error {
	var one int
	err := tx.QueryRow(ctx, s.sql(`SELECT 1 FROM {s}.divisions WHERE org = $1 AND home FOR SHARE`), string(org)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %q (put its divisions first)", permission.ErrUnknownOrg, org)
	}
	return err
}

// orgChanged is the change of a role or an org's divisions.
func orgChanged(org permission.OrgID) []storage.Change {
	return []storage.Change{{Kind: storage.OrgChanged, Org: org}}
}

// PutDivisions makes org known with its divisions, or replaces them. A
// grant in a division the org no longer has grants nothing.
func (s *Store) PutDivisions(ctx context.Context, org permission.OrgID, d *permission.Divisions) error {
	if org == "" || d == nil || d.Home().ID == "" {
		return fmt.Errorf("%w: an org needs an ID and divisions made by NewDivisions", permission.ErrInvalid)
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		if _, err := tx.Exec(ctx, s.sql(`DELETE FROM {s}.divisions WHERE org = $1`), string(org)); err != nil {
			return nil, err
		}
		for _, div := range d.All() {
			if _, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.divisions (org, id, name, home) VALUES ($1, $2, $3, $4)`),
				string(org), string(div.ID), div.Name, div.Home); err != nil {
				return nil, err
			}
		}
		return orgChanged(org), nil
	})
	if err != nil {
		return s.fail("storing divisions", err)
	}
	return nil
}

// AddUser makes user a member of org.
func (s *Store) AddUser(ctx context.Context, org permission.OrgID, user string) error {
	if user == "" {
		return fmt.Errorf("%w: empty user ID", permission.ErrInvalid)
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.members (org, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`), string(org), user)
		return nil, err
	})
	return s.failPermission("adding a user", err)
}

// RemoveUser takes user out of org, with its grants and group
// memberships there.
func (s *Store) RemoveUser(ctx context.Context, org permission.OrgID, user string) error {
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		kind, id := row.FromSubject(permission.User(user))
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM {s}.members WHERE org = $1 AND user_id = $2`, []any{string(org), user}},
			{`DELETE FROM {s}.grants WHERE org = $1 AND subject_kind = $2 AND subject_id = $3`, []any{string(org), kind, id}},
			{`DELETE FROM {s}.group_members WHERE org = $1 AND user_id = $2`, []any{string(org), user}},
		} {
			if _, err := tx.Exec(ctx, s.sql(q.sql), q.args...); err != nil {
				return nil, err
			}
		}
		return []storage.Change{subjectChange(org, permission.User(user))}, nil
	})
	return s.failPermission("removing a user", err)
}

// PutRole adds a role to org, or replaces the org's role with the same ID.
func (s *Store) PutRole(ctx context.Context, org permission.OrgID, r permission.Role) error {
	if err := r.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.roles (org, id, name, description, policies) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, description = excluded.description, policies = excluded.policies`),
			string(org), string(r.ID), r.Name, r.Description, row.Policies(r.Policies))
		return orgChanged(org), err
	})
	return s.failPermission("storing a role", err)
}

// DeleteRole removes a role of org and every grant of it.
func (s *Store) DeleteRole(ctx context.Context, org permission.OrgID, id permission.RoleID) error {
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		tag, err := tx.Exec(ctx, s.sql(`DELETE FROM {s}.roles WHERE org = $1 AND id = $2`), string(org), string(id))
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, id, org)
		}
		return orgChanged(org), err
	})
	return s.failPermission("deleting a role", err)
}

// AddGrant gives a subject a role of org in some of the org's divisions,
// or in all. If the subject already holds the role, the divisions add up,
// in one upsert. The role and the divisions must be the org's: an unknown
// role is permission.ErrRoleNotFound (also when the role is deleted at
// the same time: the foreign key says so), an unknown division
// permission.ErrInvalid.
func (s *Store) AddGrant(ctx context.Context, org permission.OrgID, g permission.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	divs := make([]string, len(g.Divisions))
	for i, d := range g.Divisions {
		divs[i] = string(d)
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		var known, found int
		err := tx.QueryRow(ctx, s.sql(`SELECT
			(SELECT count(*) FROM {s}.roles WHERE org = $1 AND id = $2),
			(SELECT count(DISTINCT id) FROM {s}.divisions WHERE org = $1 AND id = ANY($3))`),
			string(org), string(g.Role), divs).Scan(&known, &found)
		switch {
		case err != nil:
			return nil, err
		case known == 0:
			return nil, fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, g.Role, org)
		case found != distinct(divs):
			return nil, fmt.Errorf("%w: org %q lacks a division of %v", permission.ErrInvalid, org, g.Divisions)
		}
		kind, id := row.FromSubject(g.Subject)
		_, err = tx.Exec(ctx, s.sql(`INSERT INTO {s}.grants AS g (org, subject_kind, subject_id, role, all_divisions, divisions)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org, subject_kind, subject_id, role) DO UPDATE SET
				all_divisions = g.all_divisions OR excluded.all_divisions,
				divisions = CASE WHEN g.all_divisions OR excluded.all_divisions THEN '{}'::text[]
					ELSE ARRAY(SELECT DISTINCT x COLLATE "C" FROM unnest(g.divisions || excluded.divisions) AS x ORDER BY 1) END`),
			string(org), kind, id, string(g.Role), g.AllDivisions, divs)
		return []storage.Change{subjectChange(org, g.Subject)}, err
	})
	if pgCode(err) == foreignKeyViolation {
		return fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, g.Role, org)
	}
	return s.failPermission("adding a grant", err)
}

func distinct(ss []string) int {
	seen := make(map[string]bool, len(ss))
	for _, s := range ss {
		seen[s] = true
	}
	return len(seen)
}

// RemoveGrant takes a role of org away from a subject; it is not an error
// if the subject did not hold it.
func (s *Store) RemoveGrant(ctx context.Context, org permission.OrgID, sub permission.Subject, role permission.RoleID) error {
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		kind, id := row.FromSubject(sub)
		tag, err := tx.Exec(ctx, s.sql(`DELETE FROM {s}.grants WHERE org = $1 AND subject_kind = $2 AND subject_id = $3 AND role = $4`),
			string(org), kind, id, string(role))
		if err != nil || tag.RowsAffected() == 0 {
			return nil, err
		}
		return []storage.Change{subjectChange(org, sub)}, nil
	})
	return s.failPermission("removing a grant", err)
}

// AddMember puts a user in a group of org; the group's grants then apply
// to the user.
func (s *Store) AddMember(ctx context.Context, org permission.OrgID, group, user permission.Subject) error {
	if group.Kind != permission.GroupSubject || !group.IsValid() || user.Kind != permission.UserSubject || !user.IsValid() {
		return fmt.Errorf("%w: %s cannot be a member of %s", permission.ErrInvalid, user, group)
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		if err := s.knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, s.sql(`INSERT INTO {s}.group_members (org, user_id, group_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`),
			string(org), user.ID, group.ID)
		return []storage.Change{subjectChange(org, user)}, err
	})
	return s.failPermission("adding a group member", err)
}

// RemoveMember takes a user out of a group of org.
func (s *Store) RemoveMember(ctx context.Context, org permission.OrgID, group, user permission.Subject) error {
	if group.Kind != permission.GroupSubject || user.Kind != permission.UserSubject {
		return nil // such a membership cannot exist
	}
	err := s.write(ctx, func(tx pgx.Tx) ([]storage.Change, error) {
		tag, err := tx.Exec(ctx, s.sql(`DELETE FROM {s}.group_members WHERE org = $1 AND user_id = $2 AND group_id = $3`),
			string(org), user.ID, group.ID)
		if err != nil || tag.RowsAffected() == 0 {
			return nil, err
		}
		return []storage.Change{subjectChange(org, user)}, nil
	})
	return s.failPermission("removing a group member", err)
}

// failPermission passes the permission package's errors on, and wraps
// the database's.
func (s *Store) failPermission(what string, err error) error {
	if err == nil || errors.Is(err, permission.ErrInvalid) || errors.Is(err, permission.ErrRoleNotFound) || errors.Is(err, permission.ErrUnknownOrg) {
		return err
	}
	return s.fail(what, err)
}

// Grants implements permission.GrantStore.
func (s *Store) Grants(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Grant, error) {
	kind, id := row.FromSubject(sub)
	rows, err := s.pool.Query(ctx, s.sql(`SELECT role, all_divisions, divisions FROM {s}.grants
		WHERE org = $1 AND subject_kind = $2 AND subject_id = $3 ORDER BY seq`), string(org), kind, id)
	if err != nil {
		return nil, s.fail("reading grants", err)
	}
	var out []permission.Grant
	var role string
	var all bool
	var divs []string
	_, err = pgx.ForEachRow(rows, []any{&role, &all, &divs}, func() error {
		g := permission.Grant{Subject: sub, Role: permission.RoleID(role), AllDivisions: all}
		for _, d := range divs {
			g.Divisions = append(g.Divisions, permission.DivisionID(d))
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, s.fail("reading grants", err)
	}
	return out, nil
}

// Groups implements permission.GrantStore.
func (s *Store) Groups(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Subject, error) {
	if sub.Kind != permission.UserSubject {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, s.sql(`SELECT group_id FROM {s}.group_members WHERE org = $1 AND user_id = $2 ORDER BY seq`), string(org), sub.ID)
	if err != nil {
		return nil, s.fail("reading groups", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (permission.Subject, error) {
		var id string
		err := r.Scan(&id)
		return permission.Group(id), err
	})
	if err != nil {
		return nil, s.fail("reading groups", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// Role implements permission.RoleStore.
func (s *Store) Role(ctx context.Context, org permission.OrgID, id permission.RoleID) (permission.Role, error) {
	r := permission.Role{ID: id}
	var policies []string
	err := s.pool.QueryRow(ctx, s.sql(`SELECT name, description, policies FROM {s}.roles WHERE org = $1 AND id = $2`),
		string(org), string(id)).Scan(&r.Name, &r.Description, &policies)
	if errors.Is(err, pgx.ErrNoRows) {
		return permission.Role{}, fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, id, org)
	}
	if err != nil {
		return permission.Role{}, s.fail("reading a role", err)
	}
	if r.Policies, err = row.FromPolicies(policies); err != nil {
		return permission.Role{}, err
	}
	return r, nil
}

// Divisions implements permission.DivisionStore.
func (s *Store) Divisions(ctx context.Context, org permission.OrgID) (*permission.Divisions, error) {
	rows, err := s.pool.Query(ctx, s.sql(`SELECT id, name, home FROM {s}.divisions WHERE org = $1`), string(org))
	if err != nil {
		return nil, s.fail("reading divisions", err)
	}
	divs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (permission.Division, error) {
		var d permission.Division
		err := r.Scan(&d.ID, &d.Name, &d.Home)
		return d, err
	})
	if err != nil {
		return nil, s.fail("reading divisions", err)
	}
	if len(divs) == 0 {
		return nil, fmt.Errorf("%w: %q", permission.ErrUnknownOrg, org)
	}
	return permission.NewDivisions(divs...)
}

// IsMember implements permission.MemberStore.
func (s *Store) IsMember(ctx context.Context, org permission.OrgID, user string) (bool, error) {
	var member bool
	err := s.pool.QueryRow(ctx, s.sql(`SELECT EXISTS (SELECT 1 FROM {s}.members WHERE org = $1 AND user_id = $2)`), string(org), user).Scan(&member)
	if err != nil {
		return false, s.fail("checking a membership", err)
	}
	return member, nil
}
