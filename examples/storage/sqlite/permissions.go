package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/row"
	"github.com/scopegate/scopegate/permission"
)

// knownOrg fails with permission.ErrUnknownOrg for an org without
// divisions.
func knownOrg(ctx context.Context, tx *sql.Tx, org permission.OrgID) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM divisions WHERE org = ? AND home`, string(org)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %q (put its divisions first)", permission.ErrUnknownOrg, org)
	}
	return err
}

func orgChanged(org permission.OrgID) []storage.Change {
	return []storage.Change{{Kind: storage.OrgChanged, Org: org}}
}

// PutDivisions makes org known with its divisions, or replaces them. A
// grant in a division the org no longer has grants nothing.
func (s *Store) PutDivisions(ctx context.Context, org permission.OrgID, d *permission.Divisions) error {
	if org == "" || d == nil || d.Home().ID == "" {
		return fmt.Errorf("%w: an org needs an ID and divisions made by NewDivisions", permission.ErrInvalid)
	}
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM divisions WHERE org = ?`, string(org)); err != nil {
			return nil, err
		}
		for _, div := range d.All() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO divisions (org, id, name, home) VALUES (?, ?, ?, ?)`,
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
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		if err := knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO members (org, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, string(org), user)
		return nil, err
	})
	return s.failPermission("adding a user", err)
}

// RemoveUser takes user out of org, with its grants and group
// memberships there.
func (s *Store) RemoveUser(ctx context.Context, org permission.OrgID, user string) error {
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		kind, id := row.FromSubject(permission.User(user))
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM members WHERE org = ? AND user_id = ?`, []any{string(org), user}},
			{`DELETE FROM grants WHERE org = ? AND subject_kind = ? AND subject_id = ?`, []any{string(org), kind, id}},
			{`DELETE FROM group_members WHERE org = ? AND user_id = ?`, []any{string(org), user}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
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
	policies, err := row.JSON(row.Policies(r.Policies))
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		if err := knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO roles (org, id, name, description, policies) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, description = excluded.description, policies = excluded.policies`,
			string(org), string(r.ID), r.Name, r.Description, policies)
		return orgChanged(org), err
	})
	return s.failPermission("storing a role", err)
}

// DeleteRole removes a role of org and every grant of it.
func (s *Store) DeleteRole(ctx context.Context, org permission.OrgID, id permission.RoleID) error {
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE org = ? AND id = ?`, string(org), string(id))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return nil, fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, id, org)
		}
		return orgChanged(org), nil
	})
	return s.failPermission("deleting a role", err)
}

// AddGrant gives a subject a role of org in some of the org's divisions,
// or in all. If the subject already holds the role, the divisions add up.
// The role and the divisions must be the org's: an unknown role is
// permission.ErrRoleNotFound, an unknown division permission.ErrInvalid.
func (s *Store) AddGrant(ctx context.Context, org permission.OrgID, g permission.Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		if err := knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM roles WHERE org = ? AND id = ?`, string(org), string(g.Role)).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, g.Role, org)
		}
		for _, d := range g.Divisions {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE org = ? AND id = ?`, string(org), string(d)).Scan(&n); err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, fmt.Errorf("%w: org %q has no division %q", permission.ErrInvalid, org, d)
			}
		}
		kind, id := row.FromSubject(g.Subject)
		var all bool
		var stored string
		err := tx.QueryRowContext(ctx, `SELECT all_divisions, divisions FROM grants WHERE org = ? AND subject_kind = ? AND subject_id = ? AND role = ?`,
			string(org), kind, id, string(g.Role)).Scan(&all, &stored)
		divs := slices.Clone(g.Divisions)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		case all || g.AllDivisions:
			all, divs = true, nil
		default:
			var old []permission.DivisionID
			if err := row.FromJSON(stored, &old); err != nil {
				return nil, err
			}
			divs = append(old, divs...)
			slices.Sort(divs)
			divs = slices.Compact(divs)
		}
		all = all || g.AllDivisions
		if divs == nil {
			divs = []permission.DivisionID{}
		}
		text, err := row.JSON(divs)
		if err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO grants (org, subject_kind, subject_id, role, all_divisions, divisions) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org, subject_kind, subject_id, role) DO UPDATE SET all_divisions = excluded.all_divisions, divisions = excluded.divisions`,
			string(org), kind, id, string(g.Role), all, text)
		return []storage.Change{subjectChange(org, g.Subject)}, err
	})
	if isForeignKey(err) {
		return fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, g.Role, org)
	}
	return s.failPermission("adding a grant", err)
}

// RemoveGrant takes a role of org away from a subject; it is not an error
// if the subject did not hold it.
func (s *Store) RemoveGrant(ctx context.Context, org permission.OrgID, sub permission.Subject, role permission.RoleID) error {
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		kind, id := row.FromSubject(sub)
		res, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE org = ? AND subject_kind = ? AND subject_id = ? AND role = ?`,
			string(org), kind, id, string(role))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
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
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		if err := knownOrg(ctx, tx, org); err != nil {
			return nil, err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO group_members (org, user_id, group_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
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
	err := s.write(ctx, func(tx *sql.Tx) ([]storage.Change, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM group_members WHERE org = ? AND user_id = ? AND group_id = ?`, string(org), user.ID, group.ID)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
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
	rows, err := s.db.QueryContext(ctx, `SELECT role, all_divisions, divisions FROM grants
		WHERE org = ? AND subject_kind = ? AND subject_id = ? ORDER BY rowid`, string(org), kind, id)
	if err != nil {
		return nil, s.fail("reading grants", err)
	}
	defer rows.Close()
	var out []permission.Grant
	for rows.Next() {
		var role, divs string
		g := permission.Grant{Subject: sub}
		if err := rows.Scan(&role, &g.AllDivisions, &divs); err != nil {
			return nil, s.fail("reading grants", err)
		}
		g.Role = permission.RoleID(role)
		if err := row.FromJSON(divs, &g.Divisions); err != nil {
			return nil, err
		}
		if len(g.Divisions) == 0 {
			g.Divisions = nil
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("reading grants", err)
	}
	return out, nil
}

// Groups implements permission.GrantStore.
func (s *Store) Groups(ctx context.Context, org permission.OrgID, sub permission.Subject) ([]permission.Subject, error) {
	if sub.Kind != permission.UserSubject {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT group_id FROM group_members WHERE org = ? AND user_id = ? ORDER BY rowid`, string(org), sub.ID)
	if err != nil {
		return nil, s.fail("reading groups", err)
	}
	defer rows.Close()
	var out []permission.Subject
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail("reading groups", err)
		}
		out = append(out, permission.Group(id))
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("reading groups", err)
	}
	return out, nil
}

// Role implements permission.RoleStore.
func (s *Store) Role(ctx context.Context, org permission.OrgID, id permission.RoleID) (permission.Role, error) {
	r := permission.Role{ID: id}
	var policies string
	err := s.db.QueryRowContext(ctx, `SELECT name, description, policies FROM roles WHERE org = ? AND id = ?`,
		string(org), string(id)).Scan(&r.Name, &r.Description, &policies)
	if errors.Is(err, sql.ErrNoRows) {
		return permission.Role{}, fmt.Errorf("%w: %q in org %q", permission.ErrRoleNotFound, id, org)
	}
	if err != nil {
		return permission.Role{}, s.fail("reading a role", err)
	}
	var texts []string
	if err := row.FromJSON(policies, &texts); err != nil {
		return permission.Role{}, err
	}
	if r.Policies, err = row.FromPolicies(texts); err != nil {
		return permission.Role{}, err
	}
	return r, nil
}

// Divisions implements permission.DivisionStore.
func (s *Store) Divisions(ctx context.Context, org permission.OrgID) (*permission.Divisions, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, home FROM divisions WHERE org = ?`, string(org))
	if err != nil {
		return nil, s.fail("reading divisions", err)
	}
	defer rows.Close()
	var divs []permission.Division
	for rows.Next() {
		var id, name string
		var home bool
		if err := rows.Scan(&id, &name, &home); err != nil {
			return nil, s.fail("reading divisions", err)
		}
		divs = append(divs, permission.Division{ID: permission.DivisionID(id), Name: name, Home: home})
	}
	if err := rows.Err(); err != nil {
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
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE org = ? AND user_id = ?)`, string(org), user).Scan(&member)
	if err != nil {
		return false, s.fail("checking a membership", err)
	}
	return member, nil
}
