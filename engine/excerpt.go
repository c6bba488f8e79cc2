package engine

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxExcerpt is the longest excerpt, in runes.
const maxExcerpt = 96

// excerpt renders matched bytes for display: invalid UTF-8 and control or invisible characters
// are shown as escapes, white space as a space, and long text is cut. The match of a secret
// rule (ir.Rule.Secret) is masked: only a short prefix is shown, then stars.
func excerpt(b []byte, secret bool) string {
	var sb strings.Builder
	total := utf8.RuneCount(b)
	keep := maxExcerpt
	if secret {
		keep = min(total/4, 6)
	}
	shown := 0
	for len(b) > 0 && shown < keep {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&sb, `\x%02X`, b[0])
		case r == '\n' || r == '\r' || r == '\t':
			sb.WriteByte(' ')
		case !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&sb, `\u{%X}`, r)
		default:
			sb.WriteRune(r)
		}
		b = b[n:]
		shown++
	}
	switch {
	case secret:
		sb.WriteString(strings.Repeat("*", min(total-shown, 12)))
	case len(b) > 0:
		sb.WriteString("…")
	}
	return sb.String()
}
