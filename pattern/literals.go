package pattern

import (
	"regexp/syntax"
	"sort"
)

// Limits that keep literal sets small.
const (
	maxExactSet   = 64 // strings in an exact set
	maxExactLen   = 64 // bytes in one exact string
	maxClassRunes = 10 // a class with more runes is not expanded
)

// info is what the analysis knows of a sub-expression: the exact set of strings it matches (when
// small), or a set of strings one of which every match contains, and where in a match that
// string can start.
type info struct {
	exact []string // nil: not known exactly
	req   []string // nil: nothing required
	// off is the range of offsets, from the start of a match of the sub-expression, at which a
	// member of req starts (for exact sets: 0..0).
	off    [2]int
	foldKS bool
}

// required returns the prefilter set with its offset range.
func (in info) required() ([]string, [2]int) {
	if in.exact != nil {
		return usable(in.exact), [2]int{0, 0}
	}
	return usable(in.req), in.off
}

// usable returns the set when every entry is non-empty, else nil.
func usable(set []string) []string {
	if len(set) == 0 {
		return nil
	}
	for _, s := range set {
		if s == "" {
			return nil
		}
	}
	return set
}

// score ranks a required set: longer shortest member first, then fewer members.
func score(set []string) (int, int) {
	short := len(set[0])
	for _, s := range set {
		short = min(short, len(s))
	}
	return min(short, 8), -len(set)
}

// candidate is a required set and its offset range.
type candidate struct {
	set []string
	off [2]int
}

func better(a, b candidate) candidate {
	if usable(a.set) == nil {
		if usable(b.set) == nil {
			return candidate{}
		}
		return b
	}
	if usable(b.set) == nil {
		return a
	}
	al, an := score(a.set)
	bl, bn := score(b.set)
	if bl > al || (bl == al && bn > an) || (bl == al && bn == an && b.off[1]-b.off[0] < a.off[1]-a.off[0]) {
		return b
	}
	return a
}

func dedupe(set []string) []string {
	sort.Strings(set)
	out := set[:0]
	for i, s := range set {
		if i == 0 || s != set[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// asciiLower folds a string the way the prefilter folds text (see Canon).
func asciiLower(s string) string { return canonString(s) }

// analyzer computes infos, remembering the info of each node: prefilters, branches and
// secondary factors look at the same sub-expressions again. The nodes must not change while it
// is in use, and infos are never modified once computed (their sets may be shared).
type analyzer struct {
	memo map[*syntax.Regexp]info
}

func newAnalyzer() *analyzer { return &analyzer{memo: map[*syntax.Regexp]info{}} }

func (z *analyzer) analyze(re *syntax.Regexp) info {
	if in, ok := z.memo[re]; ok {
		return in
	}
	in := z.analyze1(re)
	z.memo[re] = in
	return in
}

func (z *analyzer) analyze1(re *syntax.Regexp) info {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return info{exact: []string{""}}
	case syntax.OpLiteral:
		return z.literalInfo(re)
	case syntax.OpCharClass:
		return classInfo(re)
	case syntax.OpCapture:
		return z.analyze(re.Sub[0])
	case syntax.OpPlus:
		return z.repeatInfo(re.Sub[0], -1)
	case syntax.OpRepeat:
		if re.Min == 0 {
			return info{}
		}
		if re.Min == re.Max && re.Min <= 4 {
			// A short fixed repeat of an exact set is exact: [/\\]{2} is 4 strings.
			sub := part{info: z.analyze(re.Sub[0]), min: minLen(re.Sub[0]), max: maxLen(re.Sub[0])}
			if sub.exact != nil {
				parts := make([]part, re.Min)
				for i := range parts {
					parts[i] = sub
				}
				return z.concatInfo(parts)
			}
		}
		return z.repeatInfo(re.Sub[0], re.Max)
	case syntax.OpConcat:
		parts := make([]part, len(re.Sub))
		for i, s := range re.Sub {
			parts[i] = part{info: z.analyze(s), min: minLen(s), max: maxLen(s), re: s}
		}
		return z.concatInfo(parts)
	case syntax.OpAlternate:
		return z.alternateInfo(re.Sub)
	}
	return info{} // any char, star, quest: nothing known
}

// repeatInfo: the first repetition holds a required literal; later ones shift its offset.
func (z *analyzer) repeatInfo(sub *syntax.Regexp, max int) info {
	in := z.analyze(sub)
	set, off := in.required()
	if set == nil {
		return info{foldKS: in.foldKS}
	}
	if max < 0 {
		max = MaxWindow
	}
	off[1] += (max - 1) * maxLen(sub)
	return info{req: set, off: off, foldKS: in.foldKS}
}

// literalInfo handles a literal: its folded form is exact. In a case-insensitive literal, a
// rune with a longer case variant (k and the Kelvin sign) marks the analysis foldKS, and a rare
// form itself (the Kelvin sign) is not used as a literal, since text may hold its short form.
func (z *analyzer) literalInfo(re *syntax.Regexp) info {
	if re.Flags&syntax.FoldCase == 0 {
		return info{exact: []string{canonString(string(re.Rune))}}
	}
	var parts []part
	var run []rune
	foldKS := false
	flush := func() {
		if len(run) > 0 {
			s := canonString(string(run))
			parts = append(parts, part{info: info{exact: []string{s}}, min: len(s), max: len(s)})
			run = nil
		}
	}
	for _, r := range re.Rune {
		foldKS = foldKS || hasRareVariant(r)
		if _, rare := Canon(r); rare {
			flush()
			lo, hi := foldOrbitLens(r)
			parts = append(parts, part{min: lo, max: hi})
			continue
		}
		run = append(run, r)
	}
	flush()
	in := z.concatInfo(parts)
	in.foldKS = foldKS
	return in
}

func classInfo(re *syntax.Regexp) info {
	n := 0
	for i := 0; i < len(re.Rune); i += 2 {
		n += int(re.Rune[i+1]-re.Rune[i]) + 1
		if n > maxClassRunes {
			return info{}
		}
	}
	// Case folding is already expanded into the class by the parser (Kelvin sign included), so
	// its members are exact.
	var set []string
	for i := 0; i < len(re.Rune); i += 2 {
		for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
			set = append(set, asciiLower(string(r)))
		}
	}
	return info{exact: dedupe(set)}
}

// part is one element of a concatenation with its match length bounds.
type part struct {
	info
	min, max int
	// re is the sub-expression, when the part came from one.
	re *syntax.Regexp
}

// concatInfo combines a sequence: adjacent exact parts multiply into longer exact strings (while
// the sets stay small); the best chunk or required set becomes the prefilter.
func (z *analyzer) concatInfo(parts []part) info {
	var best candidate
	foldKS := false
	cur := []string{""}
	var curOff [2]int // offset range of the current chunk's start
	var pre [2]int    // min and max length of everything before the part
	flush := func() {
		best = better(best, candidate{set: cur, off: curOff})
		cur = []string{""}
	}
	allExact := true
	for _, p := range parts {
		foldKS = foldKS || p.foldKS
		switch {
		case p.exact == nil:
			allExact = false
			// An exact prefix before an alternation joins each branch: the parser factors
			// common prefixes out (ssn|ss# becomes s(?:sn|s#)), and the joined literals are
			// longer than either side alone.
			if set, off, ok := z.distribute(cur, p.re); ok {
				best = better(best, candidate{set: set, off: [2]int{curOff[0] + off[0], curOff[1] + off[1]}})
			}
			flush()
			if set, off := p.required(); set != nil {
				best = better(best, candidate{set: set, off: [2]int{pre[0] + off[0], pre[1] + off[1]}})
			}
		case len(cur)*len(p.exact) > maxExactSet || longest(cur)+longest(p.exact) > maxExactLen:
			allExact = false
			flush()
			cur, curOff = append([]string(nil), p.exact...), pre
		default:
			if len(cur) == 1 && cur[0] == "" {
				curOff = pre
			}
			next := make([]string, 0, len(cur)*len(p.exact))
			for _, a := range cur {
				for _, b := range p.exact {
					next = append(next, a+b)
				}
			}
			cur = dedupe(next)
		}
		pre[0] += p.min
		pre[1] += p.max
	}
	if allExact {
		return info{exact: cur, foldKS: foldKS}
	}
	flush()
	return info{req: best.set, off: best.off, foldKS: foldKS}
}

// distribute returns the required set of prefix followed by an alternation, computed branch
// by branch with the prefix joined to each; ok is false when re is no alternation, the prefix is
// empty, or a branch has no literal.
func (z *analyzer) distribute(prefix []string, re *syntax.Regexp) ([]string, [2]int, bool) {
	if re == nil || len(prefix) == 0 || len(prefix) == 1 && prefix[0] == "" {
		return nil, [2]int{}, false
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpAlternate {
		return nil, [2]int{}, false
	}
	n := len(prefix[0])
	for _, p := range prefix {
		if len(p) != n {
			return nil, [2]int{}, false // offsets are simplest with one prefix length
		}
	}
	head := part{info: info{exact: prefix}, min: n, max: n}
	var set []string
	off := [2]int{-1, 0}
	for _, b := range re.Sub {
		in := z.concatInfo([]part{head, {info: z.analyze(b), min: minLen(b), max: maxLen(b), re: b}})
		s, o := in.required()
		if s == nil {
			return nil, [2]int{}, false
		}
		set = append(set, s...)
		if off[0] < 0 || o[0] < off[0] {
			off[0] = o[0]
		}
		off[1] = max(off[1], o[1])
	}
	return dedupe(set), off, true
}

func longest(set []string) int {
	n := 0
	for _, s := range set {
		n = max(n, len(s))
	}
	return n
}

func (z *analyzer) alternateInfo(subs []*syntax.Regexp) info {
	var exact, req []string
	allExact, allReq := true, true
	foldKS := false
	off := [2]int{-1, 0}
	for _, s := range subs {
		in := z.analyze(s)
		foldKS = foldKS || in.foldKS
		if in.exact == nil {
			allExact = false
		} else {
			exact = append(exact, in.exact...)
		}
		set, o := in.required()
		if set == nil {
			allReq = false
		}
		req = append(req, set...)
		if off[0] < 0 || o[0] < off[0] {
			off[0] = o[0]
		}
		off[1] = max(off[1], o[1])
	}
	if allExact && len(exact) <= maxExactSet {
		return info{exact: dedupe(exact), foldKS: foldKS}
	}
	if !allReq {
		return info{foldKS: foldKS}
	}
	return info{req: dedupe(req), off: off, foldKS: foldKS}
}

// hasKS reports whether s holds a rune with a longer case variant.
func hasKS(s string) bool {
	for _, r := range s {
		if hasRareVariant(r) {
			return true
		}
	}
	return false
}

// maxFactors is how many secondary factors a pattern keeps.
const maxFactors = 3

// prefilters derives the prefilters of re: one per branch (see branches) when every branch
// has literals, else one for the whole expression.
func (z *analyzer) prefilters(re *syntax.Regexp) ([]Prefilter, bool) {
	whole := z.analyze(re)
	if bs := branches(re); len(bs) > 1 {
		var out []Prefilter
		for _, b := range bs {
			in := z.analyze(b)
			set, off := in.required()
			if set == nil {
				out = nil
				break
			}
			out = append(out, z.newPrefilter(b, set, off))
		}
		if out != nil {
			return out, whole.foldKS
		}
	}
	set, off := whole.required()
	if set == nil {
		return nil, whole.foldKS
	}
	return []Prefilter{z.newPrefilter(re, set, off)}, whole.foldKS
}

func (z *analyzer) newPrefilter(b *syntax.Regexp, set []string, off [2]int) Prefilter {
	return Prefilter{
		Factor:          Factor{Literals: set, Offset: off},
		Secondary:       z.secondaryFactors(b, set, off),
		Branch:          Format(b),
		LeadingBoundary: off == [2]int{0, 0} && startsWithBoundary(b),
		First:           FirstBytes(b),
	}
}

// startsWithBoundary reports whether every match of re begins with a \b assertion.
func startsWithBoundary(re *syntax.Regexp) bool {
	for {
		switch re.Op {
		case syntax.OpWordBoundary:
			return true
		case syntax.OpCapture:
			re = re.Sub[0]
		case syntax.OpConcat:
			if len(re.Sub) == 0 {
				return false
			}
			re = re.Sub[0]
		default:
			return false
		}
	}
}

// branches splits re into expressions whose union matches, at any start, exactly where re
// does: a top-level alternation gives its branches, and a sequence holding an alternation
// (P(A|B)S) gives one sequence per branch (PAS, PBS). Anything else is one branch.
func branches(re *syntax.Regexp) []*syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	switch re.Op {
	case syntax.OpAlternate:
		return re.Sub
	case syntax.OpConcat:
		for i, s := range re.Sub {
			for s.Op == syntax.OpCapture {
				s = s.Sub[0]
			}
			if s.Op != syntax.OpAlternate {
				continue
			}
			out := make([]*syntax.Regexp, len(s.Sub))
			for j, alt := range s.Sub {
				subs := append([]*syntax.Regexp(nil), re.Sub[:i]...)
				if alt.Op == syntax.OpConcat {
					subs = append(subs, alt.Sub...) // flat, so exact neighbours join
				} else {
					subs = append(subs, alt)
				}
				subs = append(subs, re.Sub[i+1:]...)
				out[j] = &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: subs}
			}
			return out
		}
	}
	return []*syntax.Regexp{re}
}

// secondaryFactors lists the selective required sets of the top-level sequence of re, other than
// the primary one, most selective first.
func (z *analyzer) secondaryFactors(re *syntax.Regexp, primary []string, primaryOff [2]int) []Factor {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat {
		return nil
	}
	var all []candidate
	var pre [2]int
	cur := []string{""}
	var curOff [2]int
	flush := func() {
		if usable(cur) != nil {
			all = append(all, candidate{set: cur, off: curOff})
		}
		cur = []string{""}
	}
	for _, s := range re.Sub {
		in := z.analyze(s)
		switch {
		case in.exact == nil:
			flush()
			if set, off := in.required(); set != nil {
				all = append(all, candidate{set: set, off: [2]int{pre[0] + off[0], pre[1] + off[1]}})
			}
		case len(cur)*len(in.exact) > maxExactSet || longest(cur)+longest(in.exact) > maxExactLen:
			flush()
			cur, curOff = append([]string(nil), in.exact...), pre
		default:
			if len(cur) == 1 && cur[0] == "" {
				curOff = pre
			}
			var next []string
			for _, a := range cur {
				for _, b := range in.exact {
					next = append(next, a+b)
				}
			}
			cur = dedupe(next)
		}
		pre[0] += minLen(s)
		pre[1] += maxLen(s)
	}
	flush()
	sort.SliceStable(all, func(i, j int) bool {
		li, ni := score(all[i].set)
		lj, nj := score(all[j].set)
		return li > lj || (li == lj && ni > nj)
	})
	var out []Factor
	for _, c := range all {
		if len(out) == maxFactors {
			break
		}
		if !factorWorthy(c.set) || sameSet(c.set, primary) && c.off == primaryOff {
			continue
		}
		out = append(out, Factor{Literals: c.set, Offset: c.off})
	}
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// factorWorthy reports whether a set is worth checking as a secondary factor: words of two
// letters or more, or punctuation (rare in prose, and telling in code).
func factorWorthy(set []string) bool {
	for _, s := range set {
		if len(s) >= 2 {
			continue
		}
		if c := s[0]; c < 0x80 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
