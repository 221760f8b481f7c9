package review

import (
	"cmp"
	"fmt"
	"time"
)

// A Date is a calendar day, written 2026-03-01: the day scope
// documentation was updated, or is due for review. Dates come from the
// caller; nothing in this package reads the clock.
//
// A Date is a comparable value. The zero Date is no day: it marshals to
// an error.
type Date struct {
	year  int
	month time.Month
	day   int
}

// DateOf returns the calendar day of t, in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a day written YYYY-MM-DD, such as 2026-03-01.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return Date{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD, such as 2026-03-01", ErrInvalid, s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC) }

// Compare returns -1 if d is before o, +1 if after, 0 if the same day.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.year, o.year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.month, o.month); c != 0 {
		return c
	}
	return cmp.Compare(d.day, o.day)
}

// addMonths returns the day n months after d, normalised as
// [time.Time.AddDate] does (2026-11-30 plus 3 months is 2027-03-02).
func (d Date) addMonths(n int) Date { return DateOf(d.Time().AddDate(0, n, 0)) }

// MarshalText implements [encoding.TextMarshaler]. The zero Date cannot be
// marshalled.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, fmt.Errorf("%w: zero date", ErrInvalid)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseDate].
func (d *Date) UnmarshalText(text []byte) error {
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
