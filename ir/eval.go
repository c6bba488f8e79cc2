package ir

// Matches is what a condition can ask of the matches of one scanned unit. String indexes refer
// to the rule's Strings.
type Matches interface {
	// Count returns the number of matches of string s.
	Count(s int) int
	// Offset returns the start offset of match i (1-based) of string s.
	Offset(s, i int) (int, bool)
	// Near reports whether some match of a and some match of b are at most within bytes apart
	// (before: a ends at most within bytes before b starts).
	Near(a, b, within int, before bool) bool
}

// Eval evaluates a condition over the matches of one unit.
func Eval(c *Cond, m Matches) bool {
	switch c.Op {
	case CondMatch:
		return m.Count(c.Strings[0]) > 0
	case CondCount:
		if len(c.Strings) == 2 {
			return c.Cmp.Compare(m.Count(c.Strings[0]), m.Count(c.Strings[1]))
		}
		return c.Cmp.Compare(m.Count(c.Strings[0]), c.N)
	case CondOffset:
		off, ok := m.Offset(c.Strings[0], c.Index)
		return ok && c.Cmp.Compare(off, c.N)
	case CondOf:
		n := 0
		for _, s := range c.Strings {
			if m.Count(s) > 0 {
				n++
			}
		}
		return n >= c.N
	case CondNear:
		return m.Near(c.Strings[0], c.Strings[1], c.N, false)
	case CondBefore:
		return m.Near(c.Strings[0], c.Strings[1], c.N, true)
	case CondAnd:
		for _, a := range c.Args {
			if !Eval(a, m) {
				return false
			}
		}
		return true
	case CondOr:
		for _, a := range c.Args {
			if Eval(a, m) {
				return true
			}
		}
		return false
	case CondNot:
		return !Eval(c.Args[0], m)
	}
	return false
}

// Monotone reports whether the condition can only turn from false to true as more matches are
// found: no negation and no upper bound on a count. Such a condition may be decided as soon as
// it holds.
func Monotone(c *Cond) bool {
	switch c.Op {
	case CondCount:
		return len(c.Strings) == 1 && (c.Cmp == GE || c.Cmp == GT)
	case CondOffset:
		// The offset of the i-th match never changes once found, so any comparison is settled.
		return true
	case CondNot:
		return false
	}
	for _, a := range c.Args {
		if !Monotone(a) {
			return false
		}
	}
	return true
}

// StringsOf returns the indexes of the strings a condition mentions, in first-mention order.
func StringsOf(c *Cond) []int {
	var out []int
	seen := map[int]bool{}
	var walk func(*Cond)
	walk = func(c *Cond) {
		for _, s := range c.Strings {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		for _, a := range c.Args {
			walk(a)
		}
	}
	walk(c)
	return out
}

// Witnesses returns the strings whose matches make a condition true, to locate a finding: for
// or, those of the first branch that holds; for and, those of every branch; for a set, its
// strings that matched; a negation contributes none. It returns nil when c does not hold.
func Witnesses(c *Cond, m Matches) []int {
	if !Eval(c, m) {
		return nil
	}
	var out []int
	var walk func(*Cond)
	walk = func(c *Cond) {
		switch c.Op {
		case CondMatch, CondCount, CondOffset, CondNear, CondBefore:
			out = append(out, c.Strings...)
		case CondOf:
			for _, s := range c.Strings {
				if m.Count(s) > 0 {
					out = append(out, s)
				}
			}
		case CondAnd:
			for _, a := range c.Args {
				walk(a)
			}
		case CondOr:
			for _, a := range c.Args {
				if Eval(a, m) {
					walk(a)
					return
				}
			}
		}
	}
	walk(c)
	return out
}
