package pattern

import (
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep literal sets small.
const (
	maxExactSet   = 64 // strings in an exact set
	maxExactLen   = 64 // bytes in one exact string
	maxClassRunes = 10 // a class with more runes is not expanded
)

// info is what the analysis knows of a sub-expression: the exact set of strings it matches (when
// small), or a set of strings one of which every match contains.
type info struct {
	exact  []string // nil: not known exactly
	req    []string // nil: nothing required
	foldKS bool
}

func (in info) required() []string {
	if in.exact != nil {
		return usable(in.exact)
	}
	return usable(in.req)
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
	if usable(set) == nil {
		return 0, 0
	}
	short := len(set[0])
	for _, s := range set {
		short = minInt(short, len(s))
	}
	return minInt(short, 8), -len(set)
}

func better(a, b []string) []string {
	if usable(a) == nil {
		return usable(b)
	}
	if usable(b) == nil {
		return a
	}
	al, an := score(a)
	bl, bn := score(b)
	if bl > al || (bl == al && bn > an) {
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

// asciiLower lower-cases ASCII letters only, as the text is for the prefilter.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// foldable reports whether a case-insensitive rune has variants the ASCII-lowered prefilter text
// would not equal: any non-ASCII rune with case variants.
func foldable(r rune) bool {
	return r >= utf8.RuneSelf && unicode.SimpleFold(r) != r
}

func analyze(re *syntax.Regexp) info {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return info{exact: []string{""}}
	case syntax.OpLiteral:
		return literalInfo(re)
	case syntax.OpCharClass:
		return classInfo(re)
	case syntax.OpCapture:
		return analyze(re.Sub[0])
	case syntax.OpPlus:
		in := analyze(re.Sub[0])
		return info{req: in.required(), foldKS: in.foldKS}
	case syntax.OpRepeat:
		if re.Min == 0 {
			return info{}
		}
		in := analyze(re.Sub[0])
		return info{req: in.required(), foldKS: in.foldKS}
	case syntax.OpConcat:
		return concatInfo(re.Sub)
	case syntax.OpAlternate:
		return alternateInfo(re.Sub)
	}
	return info{} // any char, star, quest: nothing known
}

func literalInfo(re *syntax.Regexp) info {
	fold := re.Flags&syntax.FoldCase != 0
	var pieces []*syntax.Regexp
	var cur []rune
	for _, r := range re.Rune {
		if fold && foldable(r) {
			if len(cur) > 0 {
				pieces = append(pieces, &syntax.Regexp{Op: syntax.OpLiteral, Rune: cur})
				cur = nil
			}
			pieces = append(pieces, &syntax.Regexp{Op: syntax.OpAnyChar})
			continue
		}
		cur = append(cur, r)
	}
	if len(pieces) > 0 {
		if len(cur) > 0 {
			pieces = append(pieces, &syntax.Regexp{Op: syntax.OpLiteral, Rune: cur})
		}
		in := concatInfo(pieces)
		in.foldKS = fold && strings.ContainsAny(strings.ToLower(string(re.Rune)), "ks")
		return in
	}
	s := asciiLower(string(re.Rune))
	return info{exact: []string{s}, foldKS: fold && strings.ContainsAny(s, "ks")}
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

func concatInfo(subs []*syntax.Regexp) info {
	var best []string
	foldKS := false
	cur := []string{""}
	flush := func() {
		best = better(best, cur)
		cur = []string{""}
	}
	allExact := true
	for _, s := range subs {
		in := analyze(s)
		foldKS = foldKS || in.foldKS
		if in.exact == nil {
			allExact = false
			flush()
			best = better(best, in.req)
			continue
		}
		if len(cur)*len(in.exact) > maxExactSet {
			allExact = false
			flush()
			cur = append([]string(nil), in.exact...)
			continue
		}
		next := make([]string, 0, len(cur)*len(in.exact))
		tooLong := false
		for _, a := range cur {
			for _, b := range in.exact {
				if len(a)+len(b) > maxExactLen {
					tooLong = true
				}
				next = append(next, a+b)
			}
		}
		if tooLong {
			allExact = false
			flush()
			cur = append([]string(nil), in.exact...)
			continue
		}
		cur = dedupe(next)
	}
	if allExact {
		return info{exact: cur, foldKS: foldKS}
	}
	flush()
	return info{req: best, foldKS: foldKS}
}

func alternateInfo(subs []*syntax.Regexp) info {
	var exact, req []string
	allExact, allReq := true, true
	foldKS := false
	for _, s := range subs {
		in := analyze(s)
		foldKS = foldKS || in.foldKS
		if in.exact == nil {
			allExact = false
		} else {
			exact = append(exact, in.exact...)
		}
		r := in.required()
		if r == nil {
			allReq = false
		}
		req = append(req, r...)
	}
	if allExact && len(exact) <= maxExactSet {
		return info{exact: dedupe(exact), foldKS: foldKS}
	}
	if !allReq {
		return info{foldKS: foldKS}
	}
	return info{req: dedupe(req), foldKS: foldKS}
}
