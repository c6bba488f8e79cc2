package pattern

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
)

// Format prints a parsed expression back as RE2 syntax that compiles to the same matcher. It
// replaces syntax.Regexp.String, whose flag computation folds the case of every rune of every
// class and takes seconds on a rule set with large case-insensitive classes. Classes are printed
// as the explicit ranges the parser produced (case variants included), literals carry their own
// (?i:...), and every operator's scope is made explicit with groups.
func Format(re *syntax.Regexp) string {
	var b strings.Builder
	format(&b, re)
	return b.String()
}

func format(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteString(`[^\x00-\x{10FFFF}]`)
	case syntax.OpEmptyMatch:
		b.WriteString(`(?:)`)
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			b.WriteString(`(?i:`)
		} else {
			b.WriteString(`(?:`)
		}
		for _, r := range re.Rune {
			writeRune(b, r, false)
		}
		b.WriteByte(')')
	case syntax.OpCharClass:
		formatClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString(`(?-s:.)`)
	case syntax.OpAnyChar:
		b.WriteString(`(?s:.)`)
	case syntax.OpBeginLine:
		b.WriteString(`(?m:^)`)
	case syntax.OpEndLine:
		b.WriteString(`(?m:$)`)
	case syntax.OpBeginText:
		b.WriteString(`\A`)
	case syntax.OpEndText:
		b.WriteString(`\z`)
	case syntax.OpWordBoundary:
		b.WriteString(`\b`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`\B`)
	case syntax.OpCapture:
		if re.Name != "" {
			b.WriteString(`(?P<` + re.Name + `>`)
		} else {
			b.WriteByte('(')
		}
		format(b, re.Sub[0])
		b.WriteByte(')')
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		b.WriteString(`(?:`)
		format(b, re.Sub[0])
		b.WriteByte(')')
		switch re.Op {
		case syntax.OpStar:
			b.WriteByte('*')
		case syntax.OpPlus:
			b.WriteByte('+')
		case syntax.OpQuest:
			b.WriteByte('?')
		default:
			b.WriteByte('{')
			b.WriteString(strconv.Itoa(re.Min))
			if re.Max != re.Min {
				b.WriteByte(',')
				if re.Max >= 0 {
					b.WriteString(strconv.Itoa(re.Max))
				}
			}
			b.WriteByte('}')
		}
		if re.Flags&syntax.NonGreedy != 0 {
			b.WriteByte('?')
		}
	case syntax.OpConcat:
		b.WriteString(`(?:`)
		for _, s := range re.Sub {
			format(b, s)
		}
		b.WriteByte(')')
	case syntax.OpAlternate:
		b.WriteString(`(?:`)
		for i, s := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			format(b, s)
		}
		b.WriteByte(')')
	default:
		// Every operator is listed above; an unknown one falls back to the standard printer.
		b.WriteString(re.String())
	}
}

func formatClass(b *strings.Builder, ranges []rune) {
	if len(ranges) == 0 {
		b.WriteString(`[^\x00-\x{10FFFF}]`)
		return
	}
	b.WriteByte('[')
	for i := 0; i < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		writeRune(b, lo, true)
		if hi != lo {
			b.WriteByte('-')
			writeRune(b, hi, true)
		}
	}
	b.WriteByte(']')
}

// writeRune writes r escaped for a literal or a class.
func writeRune(b *strings.Builder, r rune, inClass bool) {
	switch {
	case r < 0x80 && unicode.IsPrint(r) && !strings.ContainsRune(`\.+*?()|[]{}^$-/`, r):
		b.WriteRune(r)
	case r < 0x80 && unicode.IsPrint(r):
		b.WriteByte('\\')
		b.WriteRune(r)
	default:
		b.WriteString(`\x{`)
		b.WriteString(strconv.FormatInt(int64(r), 16))
		b.WriteByte('}')
	}
	_ = inClass
}
