package pattern

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Wide returns the UTF-16LE form of re: every character followed by a NUL byte. Only ASCII
// characters have a form that fits UTF-8 text, so other characters are an error.
func Wide(re *syntax.Regexp) (*syntax.Regexp, error) {
	nul := &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{0}}
	out := *re
	switch re.Op {
	case syntax.OpLiteral:
		runes := make([]rune, 0, 2*len(re.Rune))
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				return nil, fmt.Errorf("wide supports ASCII text only, not %q", r)
			}
			runes = append(runes, r, 0)
		}
		out.Rune = runes
		if re.Flags&syntax.FoldCase != 0 {
			// NUL has no case variants; folding stays correct on the interleaved literal.
			out.Flags = re.Flags
		}
		return &out, nil
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		class := asciiClass(re)
		if class == nil {
			return nil, fmt.Errorf("wide supports ASCII classes only, not %s", re)
		}
		return &syntax.Regexp{Op: syntax.OpConcat, Sub: []*syntax.Regexp{class, nul}}, nil
	}
	out.Sub = make([]*syntax.Regexp, len(re.Sub))
	for i, s := range re.Sub {
		w, err := Wide(s)
		if err != nil {
			return nil, err
		}
		out.Sub[i] = w
	}
	return &out, nil
}

// asciiClass restricts a class or any-char node to its ASCII members; nil when none remain.
func asciiClass(re *syntax.Regexp) *syntax.Regexp {
	var ranges []rune
	switch re.Op {
	case syntax.OpAnyChar:
		ranges = []rune{0, 0x7f}
	case syntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, 0x7f}
	default:
		for i := 0; i < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo >= utf8.RuneSelf {
				continue
			}
			if hi >= utf8.RuneSelf {
				hi = utf8.RuneSelf - 1
			}
			ranges = append(ranges, lo, hi)
		}
	}
	if len(ranges) == 0 {
		return nil
	}
	return &syntax.Regexp{Op: syntax.OpCharClass, Rune: ranges}
}

// Base64Forms returns the stable cores of the standard and URL-safe base64 encodings of lit at
// the three byte alignments: every encoding of a text that contains lit contains one of them.
func Base64Forms(lit []byte) ([]string, error) {
	var forms []string
	for shift := 0; shift < 3; shift++ {
		buf := make([]byte, shift+len(lit))
		copy(buf[shift:], lit)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			s := enc.EncodeToString(buf)
			start := (8*shift + 5) / 6
			end := 8 * (shift + len(lit)) / 6
			if end-start < MinSelective {
				return nil, fmt.Errorf("literal %q is too short for base64 (needs at least 3 bytes)", lit)
			}
			forms = append(forms, s[start:end])
		}
	}
	return dedupe(forms), nil
}

// Base64Expr returns an expression matching any of the base64 forms of lit.
func Base64Expr(lit []byte) (string, error) {
	forms, err := Base64Forms(lit)
	if err != nil {
		return "", err
	}
	quoted := make([]string, len(forms))
	for i, f := range forms {
		quoted[i] = regexp.QuoteMeta(f)
	}
	return "(?:" + strings.Join(quoted, "|") + ")", nil
}
