// Package scope parses, checks and compares OAuth scopes: the names of what
// an application may do, such as users:readonly or
// conversations:call:control.
//
// # Scopes and scope strings
//
// A [Scope] is one scope token: resource:action (users:readonly),
// resource:action:qualifier (conversations:call:control, with any number of
// further parts), a bare read-write scope (users) or a hyphenated name
// (user-basic-info). [Parse] checks the grammar:
//
//	scope = part *( ":" part )
//	part  = alnum *( alnum / "-" / "_" ) ; ends with alnum
//	alnum = ASCII letter or digit
//
// A scope is at most [MaxLen] bytes. Case is kept: Genesys uses camelCase
// parts (analytics:conversationDetail), so only a [Catalog] can tell that
// Users:Readonly is a mistake.
//
// A [Set] is several scopes, sorted and without duplicates. [ParseSet] reads
// the space-separated form of RFC 6749 §3.3 ("conversations:readonly
// users:readonly") and [Set.String] writes it back canonically. ParseSet is
// strict, because a lenient parser hides mistakes that later surface as
// mysterious 403s. It rejects:
//
//   - the empty string ([ErrEmpty]);
//   - leading, trailing and doubled spaces, and every other whitespace
//     character: tab, newline, carriage return, no-break space ([ErrSpace]);
//   - control characters, non-ASCII characters, and punctuation other than
//     ':', '-' and '_' ([ErrCharacter]); '.' and '/' get a suggestion that
//     uses ':' instead, ',' and ';' one that separates the scopes with
//     spaces;
//   - empty parts: ":manage", "users:", "users::manage" ([ErrColon]);
//   - a scope longer than [MaxLen] ([ErrTooLong]);
//   - the same scope twice ([ErrDuplicate]).
//
// A rejected string yields the zero Set: no scope is ever dropped or repaired
// silently. Every rejection is a [*ParseError] with the input, the offset,
// the sentinel error it wraps (for [errors.Is]), the reason in words, and
// what was probably meant: "users :manage" suggests "users:manage". A
// suggestion is always a valid scope string; when no valid fix is evident
// there is none. When a
// string has several problems, the error's Unwrap() []error returns one
// *ParseError for each (at most eight).
//
// # Catalogs and implication
//
// A [Catalog] lists the scopes an authorization server knows, each with a
// one-line description for consent screens and documentation, and the
// scopes it implies: users:manage implies users:readonly. Implication is
// transitive. Build a catalog in code with [NewCatalog] or from JSON with
// [ParseCatalogJSON]; a reference to an unknown scope, a cycle, a duplicate
// or a bad description is an error at build time ([*EntryError],
// [*CycleError], [*UnknownError]). Convention [Rule]s add implications by
// name, so that a catalog with hundreds of scopes need not list every edge:
// [ActionImplies]("manage", "readonly") makes every x:manage imply
// x:readonly, and [BareImplies]("readonly") makes every bare scope imply its
// :readonly form. The sample sub-package has a ready catalog.
//
// A catalog's memory and build time grow with its scopes and implications:
// each scope keeps the sorted list of the scopes it implies, transitively,
// and of those that imply it. Three limits bound them, and a catalog past
// one is an error that wraps [ErrTooLarge] and names the limit: at most
// [MaxScopes] entries (65,536), [MaxRules] rules (64), and
// [MaxImplications] implications (1,048,576 pairs of a scope and one it
// implies). A flat catalog, or one where each scope implies a few others,
// stays far below the last; a chain of implications holds about its length
// squared over two, so a chain of 1,449 scopes is past it. Only the first
// eight unknown implications get suggestions, each of which scans the
// catalog.
//
// [Catalog.ParseSet] and [Catalog.Validate] check a set against the catalog.
// An unknown scope is an [*UnknownError] with up to three suggestions from
// [Catalog.Suggest], which recognises the usual mistakes: a wrong case
// (Users:Readonly), a dash, dot or underscore for a colon (users-manage), a
// missing or doubled colon (usersmanage, users::manage), a space for a
// colon (users manage), a singular resource or a synonymous action
// (conversation:view for conversations:readonly), and small typos.
//
// [Catalog.Reduce] drops the scopes of a set that others imply ("users
// users:readonly" reduces to "users") and [Catalog.Expand] adds them.
//
// # Checking a request
//
// An endpoint accepts any one of several scopes; a token satisfies it if it
// holds one of them or a scope that implies one. Compile the endpoint's
// scopes once with [Catalog.Accept] and the token's with [Catalog.Grant];
// [Granted.Satisfies] then compares a few machine words, without parsing or
// allocating. [Accepted.Match] answers the same question for a [Set] that was
// not compiled, by comparing its names with those of the scopes that
// satisfy the endpoint (also without allocating), and says which granted
// scope matched.
//
// # Zero values
//
// Zero values are safe: none panics. The zero [Scope] and [Set] are empty,
// the zero [Granted] grants nothing and the zero [Accepted] is satisfied
// by nothing. The zero [Catalog], and a nil *Catalog, know no scope: they
// refuse every scope ([ErrUnknown]) and grant nothing. An error struct
// left empty, or a nil one, still names its kind of error.
//
// # Concurrency
//
// [Scope], [Set], [Granted] and [Accepted] are immutable values, and a
// [Catalog] is immutable once built: all are safe for concurrent use.
// [Entry], [Rule], [Redundancy] and the error types are plain structs that
// the package never changes after returning them: share them freely, but do
// not modify one while other goroutines read it. The package keeps no
// global state beyond constant tables.
package scope
