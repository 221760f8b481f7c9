// Package sample provides a ready scope catalog modelled on the scope list
// of the Genesys Cloud guide "OAuth Scopes and Permissions": its seven scope
// categories with a description of each scope, plus the bare read-write
// users scope and conversations:manage that the guide's examples use.
//
// The catalog is for examples, tests and experiments. It is not Genesys
// Cloud's authoritative scope list; a service builds its own catalog with
// [scope.NewCatalog] or [scope.ParseCatalogJSON], starting from nothing or
// from [Entries].
package sample

import (
	"github.com/scopegate/scopegate/scope"
)

// Rules are the catalog's naming conventions: a :manage scope implies the
// :readonly and :view scopes of the same resource, and a bare scope implies
// its :readonly form.
func Rules() []scope.Rule {
	return []scope.Rule{
		scope.ActionImplies("manage", "readonly"),
		scope.ActionImplies("manage", "view"),
		scope.BareImplies("readonly"),
	}
}

// Categories returns the category names in the guide's order.
func Categories() []string {
	names := make([]string, len(categories))
	for i, c := range categories {
		names[i] = c.name
	}
	return names
}

// Category returns the name of the category s belongs to, or "" if s is not
// in the sample catalog.
func Category(s scope.Scope) string {
	for _, c := range categories {
		for _, e := range c.entries {
			if e.name == s.String() {
				return c.name
			}
		}
	}
	return ""
}

// Entries returns the catalog's entries, category by category, in the
// guide's order. The slice is new on every call: change it freely.
func Entries() []scope.Entry {
	var out []scope.Entry
	for _, c := range categories {
		for _, e := range c.entries {
			entry := scope.Entry{Scope: scope.MustParse(e.name), Description: e.description}
			for _, i := range e.implies {
				entry.Implies = append(entry.Implies, scope.MustParse(i))
			}
			out = append(out, entry)
		}
	}
	return out
}

// Catalog builds the sample catalog from [Entries] and [Rules]. Each call
// builds a new one; build it once and share it, it is safe for concurrent
// use.
func Catalog() *scope.Catalog {
	c, err := scope.NewCatalog(Entries(), Rules()...)
	if err != nil {
		panic("sample: the built-in catalog is invalid: " + err.Error())
	}
	return c
}

type entry struct {
	name        string
	description string
	implies     []string
}

var categories = []struct {
	name    string
	entries []entry
}{
	{"Conversation Management", []entry{
		{"conversations:readonly", "View conversations", nil},
		{"conversations:manage", "Create, update and end conversations", nil},
		{"conversations:call:add", "Place calls", nil},
		{"conversations:call:control", "Transfer, hold and disconnect calls", nil},
		{"conversations:call:pull", "Pull calls", nil},
		{"conversations:call:coach", "Coach calls", nil},
		{"recordings:view", "View recordings", nil},
		{"recordings:download", "Download recording files", []string{"recordings:view"}},
		{"transcripts:readonly", "View transcripts", nil},
		{"conversations:external:contact:add", "Add external contacts to conversations", nil},
	}},
	{"User Management", []entry{
		{"users", "Read and write users", nil},
		{"users:readonly", "Read user information", nil},
		{"users:manage", "Create, update and delete users", nil},
		{"authorization:grant:readonly", "View user permissions", nil},
		{"authorization:grant:manage", "Modify user permissions", nil},
		{"presence:readonly", "View presence status", nil},
		{"presence:manage", "Change presence status", nil},
	}},
	{"Contact Center Configuration", []entry{
		{"routing:queue:view", "View queue configuration", nil},
		{"routing:queue:manage", "Create and edit queues", nil},
		{"routing:skill:view", "View skills", nil},
		{"routing:skill:manage", "Manage skills", nil},
		{"directory:organization:view", "View the organization structure", nil},
		{"telephony:phone:manage", "Manage phones", nil},
		{"outbound:campaign:view", "View campaigns", nil},
		{"outbound:campaign:execute", "Run campaigns", []string{"outbound:campaign:view"}},
	}},
	{"Workforce Management", []entry{
		{"forecasting:readonly", "View forecasts", nil},
		{"forecasting:manage", "Create and edit forecasts", nil},
		{"scheduling:readonly", "View schedules", nil},
		{"scheduling:manage", "Create and edit schedules", nil},
		{"timeoff:view", "View time-off requests", nil},
		{"timeoff:manage", "Approve time-off requests", nil},
		{"adherence:view", "View adherence", nil},
		{"adherence:manage", "Manage adherence", nil},
	}},
	{"Analytics & Reporting", []entry{
		{"analytics:conversationDetail", "Query detailed conversation analytics", nil},
		{"analytics:aggregate:view", "View aggregated analytics", nil},
		{"quality:evaluation:view", "View quality evaluations", nil},
		{"quality:evaluation:manage", "Create and edit quality evaluations", nil},
		{"speechanalytics:data:view", "View speech analytics", nil},
		{"reporting:analytics:view", "View analytics reports", nil},
	}},
	{"Integration & External", []entry{
		{"externalcontacts:manage", "Manage external contacts (CRM synchronization)", nil},
		{"webhooks:manage", "Configure webhooks", nil},
		{"webhooks:view", "View webhooks", nil},
		{"scim:write", "Provision users and groups through SCIM", nil},
		{"knowledge:manage", "Manage knowledge articles", nil},
		{"knowledge:readonly", "View knowledge articles", nil},
	}},
	{"Platform Management", []entry{
		{"oauth:client:view", "View OAuth clients", nil},
		{"oauth:client:manage", "Create and edit OAuth clients", nil},
		{"admin:org:view", "View organization settings", nil},
		{"admin:org:manage", "Modify organization settings", nil},
		{"audit:readonly", "View audit logs", nil},
	}},
}
