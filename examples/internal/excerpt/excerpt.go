// Package excerpt checks that what the documentation quotes of a
// program's output is what the program prints, so the two cannot drift
// apart.
//
// An excerpt is the quoted lines, in order. Each line stands for one line
// of the output, and consecutive lines for consecutive ones. A line that
// is "..." alone (spaces around it allowed) stands for one or more lines
// left out; "..." within a line stands for part of that line left out,
// one character or more. An excerpt begins where the output begins and
// ends where it ends, unless its first or last line is "...": whatever is
// left out, at either end too, is marked.
package excerpt

import (
	"fmt"
	"regexp"
	"strings"
)

// Omitted marks what an excerpt leaves out: a line of its own, or part of
// a line.
const Omitted = "..."

// Match returns nil when excerpt quotes output as the package doc says,
// and otherwise an error that names the first quoted line the output
// lacks, or says that the lines are out of order, or that a "..." line
// leaves nothing out, or that lines left out are not marked.
func Match(excerpt, output string) error {
	ex, out := lines(excerpt), lines(output)
	pats := make([]*regexp.Regexp, len(ex))
	for i, l := range ex {
		if !omission(l) {
			pats[i] = pattern(l)
		}
	}
	// memo[i][j]: 0 unknown, 1 matches, 2 does not; whether ex[i:]
	// quotes out[j:].
	memo := make([][]byte, len(ex)+1)
	for i := range memo {
		memo[i] = make([]byte, len(out)+1)
	}
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if i == len(ex) {
			return j == len(out)
		}
		if memo[i][j] != 0 {
			return memo[i][j] == 1
		}
		ok := false
		if pats[i] == nil {
			for k := j + 1; k <= len(out) && !ok; k++ {
				ok = match(i+1, k)
			}
		} else {
			ok = j < len(out) && pats[i].MatchString(out[j]) && match(i+1, j+1)
		}
		memo[i][j] = 2
		if ok {
			memo[i][j] = 1
		}
		return ok
	}
	if match(0, 0) {
		return nil
	}
	for i, l := range ex {
		if pats[i] == nil {
			continue
		}
		found := false
		for _, o := range out {
			if found = pats[i].MatchString(o); found {
				break
			}
		}
		if !found {
			return fmt.Errorf("excerpt: line %d is not in the output: %q", i+1, l)
		}
	}
	return fmt.Errorf("excerpt: every line is in the output, but not in this order, or a line %[1]q stands for no line, or lines left out (at the start and end too) are not marked with a line %[1]q", Omitted)
}

// Line reports whether the quoted line q stands for the output's line:
// the same text, but where q has "...", one or more characters.
func Line(q, line string) bool { return pattern(q).MatchString(line) }

// pattern is the regular expression of a quoted line.
func pattern(q string) *regexp.Regexp {
	parts := strings.Split(q, Omitted)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".+") + "$")
}

// omission reports whether an excerpt's line stands for lines left out.
func omission(l string) bool { return strings.TrimSpace(l) == Omitted }

// lines splits text into lines, without the last line's newline.
func lines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// Block returns the fenced block of a kind ("text", "sh") that comes
// first after the text after in doc, without its fences, and false when
// doc holds no such text or no such block after it.
func Block(doc, after, kind string) (string, bool) {
	i := strings.Index(doc, after)
	if i < 0 {
		return "", false
	}
	rest := doc[i+len(after):]
	fence := "```" + kind + "\n"
	j := strings.Index(rest, fence)
	if j < 0 {
		return "", false
	}
	rest = rest[j+len(fence):]
	k := strings.Index(rest, "```\n")
	if k < 0 {
		return "", false
	}
	return rest[:k], true
}
