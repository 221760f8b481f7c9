package grant

import "time"

// An instant is a time.Time as two integers: its seconds since year 1,
// time's own count, and its nanoseconds. A Validator turns each time it
// needs into one once, and then compares them in a few instructions, where
// each of time.Time's Before and After is a call. Comparisons are those of
// Before and After, with the same answers for times centuries from 1970
// and for the zero time, but on the wall clock alone: a monotonic clock
// reading, which only a time.Time from this process's time.Now carries, is
// not consulted (Before and After consult it when both times carry one).
type instant struct {
	sec  int64
	nsec int32
}

// unixToInternal is the seconds from year 1 to 1970.
const unixToInternal int64 = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 24 * 60 * 60

// instantOf returns t as an instant. Unix subtracts unixToInternal from
// time's count, wrapping for times hundreds of billions of years back;
// adding it back, wrapping the same way, gives time's count exactly (and
// the compiler folds the two away).
func instantOf(t time.Time) instant {
	return instant{t.Unix() + unixToInternal, int32(t.Nanosecond())}
}

// before reports whether a is before b, as time.Time's Before does.
func (a instant) before(b instant) bool {
	return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec
}

// A span is a non-negative time.Duration in seconds and nanoseconds, for
// instant arithmetic.
type span struct {
	sec  int64
	nsec int32
}

func spanOf(d time.Duration) span {
	return span{int64(d / time.Second), int32(d % time.Second)}
}

// plus returns a+d as time.Time's Add does: a sum past time's range stops
// at its end.
func (a instant) plus(d span) instant {
	sec, nsec := d.sec, a.nsec+d.nsec
	if nsec >= 1e9 {
		sec++
		nsec -= 1e9
	}
	if s := a.sec + sec; s >= a.sec {
		a.sec = s
	} else {
		a.sec = 1<<63 - 1
	}
	a.nsec = nsec
	return a
}

// minus returns a-d as time.Time's Add(-d) does: a difference before
// time's range stops at its start, which Add takes as -(1<<63 - 1).
func (a instant) minus(d span) instant {
	sec, nsec := -d.sec, a.nsec-d.nsec
	if nsec < 0 {
		sec--
		nsec += 1e9
	}
	if s := a.sec + sec; s <= a.sec {
		a.sec = s
	} else {
		a.sec = -(1<<63 - 1)
	}
	a.nsec = nsec
	return a
}
