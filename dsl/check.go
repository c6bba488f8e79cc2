package dsl

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/normalize"
	"github.com/oktsec/oktsec/pattern"
)

var (
	ruleIDPattern   = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*$`)
	categoryPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Lint thresholds.
const (
	minExamples     = 2    // match and nomatch examples each
	maxProgramInsts = 8000 // compiled program size that makes compile time and matching slow
)

// checker lowers a parsed file to IR, collecting diagnostics.
type checker struct {
	diags Diagnostics
}

func (c *checker) errorf(p lexer.Position, rule, format string, args ...any) {
	c.diags = append(c.diags, &Diagnostic{Pos: posOf(p), Level: Error, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(p lexer.Position, rule, format string, args ...any) {
	c.diags = append(c.diags, &Diagnostic{Pos: posOf(p), Level: Warning, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// rule lowers one rule; it returns nil when the rule has errors.
func (c *checker) rule(r *Rule) *ir.Rule {
	before := len(c.diags.Errors())
	out := &ir.Rule{ID: r.ID, Meta: map[string]string{}, Pos: posOf(r.Pos)}
	if !ruleIDPattern.MatchString(r.ID) {
		c.errorf(r.Pos, r.ID, "rule id %q must be upper-case words of letters and digits joined by '_' or '-' (like PI_OVERRIDE_001)", r.ID)
	}
	seen := map[string]lexer.Position{}
	once := func(it *Item, name string) bool {
		if p, dup := seen[name]; dup {
			c.errorf(it.Pos, r.ID, "rule %s: %s given twice (first at %d:%d)", r.ID, name, p.Line, p.Column)
			return false
		}
		seen[name] = it.Pos
		return true
	}
	var cond *Expr
	var condPos lexer.Position
	for _, it := range r.Items {
		switch {
		case it.Severity != nil:
			if once(it, "severity") {
				sev, err := ir.ParseSeverity(*it.Severity)
				if err != nil {
					c.errorf(it.Pos, r.ID, "rule %s: %v", r.ID, err)
				}
				out.Severity = sev
			}
		case it.Category != nil:
			if once(it, "category") {
				if !categoryPattern.MatchString(*it.Category) {
					c.errorf(it.Pos, r.ID, "rule %s: category %q must be a lower-case identifier", r.ID, *it.Category)
				}
				out.Category = *it.Category
			}
		case it.Secret:
			if once(it, "secret") {
				out.Secret = true
			}
		case it.Meta != nil:
			if once(it, "meta") {
				c.meta(r, it.Meta, out)
			}
		case it.Scope != nil:
			if once(it, "scope") {
				out.Scope = c.scope(r, it)
			}
		case it.Strings != nil:
			if once(it, "strings") {
				out.Strings = c.strings(r, it.Strings)
			}
		case it.Condition != nil:
			if once(it, "condition") {
				cond, condPos = it.Condition, it.Pos
			}
		case it.Examples != nil:
			if once(it, "examples") {
				out.Examples = c.examples(r, it.Examples)
			}
		}
	}
	for _, need := range []string{"severity", "category", "meta", "strings", "condition"} {
		if _, ok := seen[need]; !ok {
			c.errorf(r.Pos, r.ID, "rule %s: missing %s", r.ID, need)
		}
	}
	if _, ok := seen["meta"]; ok {
		for _, key := range []string{"title", "remediation"} {
			if strings.TrimSpace(out.Meta[key]) == "" {
				c.errorf(seen["meta"], r.ID, "rule %s: meta needs a non-empty %s", r.ID, key)
			}
		}
	}
	if cond != nil && len(c.diags.Errors()) == before {
		out.Cond = c.condition(r, out, cond, condPos)
	}
	if len(c.diags.Errors()) > before {
		return nil
	}
	c.lintExamples(r, out)
	c.lintFast(r, out)
	return out
}

func (c *checker) meta(r *Rule, m *MetaBlock, out *ir.Rule) {
	keys := map[string]bool{}
	for _, e := range m.Entries {
		if keys[e.Key] {
			c.errorf(e.Pos, r.ID, "rule %s: meta key %q given twice", r.ID, e.Key)
			continue
		}
		keys[e.Key] = true
		v, err := unquote(e.Value)
		if err != nil {
			c.errorf(e.Pos, r.ID, "rule %s: meta %s: %v", r.ID, e.Key, err)
			continue
		}
		if e.Key == "title" && strings.ContainsAny(string(v), "\r\n") {
			c.errorf(e.Pos, r.ID, "rule %s: title must be one line", r.ID)
		}
		out.Meta[e.Key] = string(v)
	}
}

func (c *checker) scope(r *Rule, it *Item) []ir.Surface {
	var out []ir.Surface
	for _, s := range it.Scope {
		ok := false
		for _, name := range ir.ScopeNames {
			if ir.Surface(s) == name {
				ok = true
			}
		}
		if !ok {
			c.errorf(it.Pos, r.ID, "rule %s: unknown scope %q (expected tool.args, tool.result, tool.description, prompt, resource or any)", r.ID, s)
			continue
		}
		out = append(out, ir.Surface(s))
	}
	return out
}

func (c *checker) strings(r *Rule, b *StringsBlock) []*ir.String {
	var out []*ir.String
	names := map[string]bool{}
	for _, d := range b.Defs {
		name := strings.TrimPrefix(d.Name, "$")
		if name == "" || strings.HasSuffix(name, "*") {
			c.errorf(d.Pos, r.ID, "rule %s: string name %q must be '$' followed by letters, digits or '_'", r.ID, d.Name)
			continue
		}
		if names[name] {
			c.errorf(d.Pos, r.ID, "rule %s: string $%s defined twice", r.ID, name)
			continue
		}
		names[name] = true
		if s := c.stringDef(r, d, name); s != nil {
			out = append(out, s)
		}
	}
	if len(b.Defs) == 0 {
		c.errorf(r.Pos, r.ID, "rule %s: strings block is empty", r.ID)
	}
	return out
}

func (c *checker) stringDef(r *Rule, d *StringDef, name string) *ir.String {
	s := &ir.String{Name: name, Pos: posOf(d.Pos)}
	var nocase, wide, b64 bool
	flags := map[string]bool{}
	for _, m := range d.Modifiers {
		key := m.Flag
		switch {
		case m.Window != nil:
			key = "window"
			if *m.Window < 1 || *m.Window > pattern.MaxWindow {
				c.errorf(m.Pos, r.ID, "rule %s: $%s: window %d out of range 1..%d", r.ID, name, *m.Window, pattern.MaxWindow)
			}
			s.Window = *m.Window
		case m.Fast != nil:
			key = "fast"
			lit, err := unquote(*m.Fast)
			if err != nil {
				c.errorf(m.Pos, r.ID, "rule %s: $%s: fast: %v", r.ID, name, err)
			} else if len(lit) < pattern.MinSelective {
				c.errorf(m.Pos, r.ID, "rule %s: $%s: fast literal %q is shorter than %d bytes", r.ID, name, lit, pattern.MinSelective)
			}
			s.Fast = string(lit)
		}
		if flags[key] {
			c.errorf(m.Pos, r.ID, "rule %s: $%s: modifier %s given twice", r.ID, name, key)
		}
		flags[key] = true
		switch key {
		case "nocase":
			nocase = true
		case "fullword":
			s.Fullword = true
		case "wide":
			wide = true
		case "base64":
			b64 = true
		case "raw":
			s.Raw = true
		case "private":
			s.Private = true
		}
	}
	var expr string
	switch {
	case d.Literal != nil:
		s.Literal = true
		lit, err := unquote(*d.Literal)
		if err != nil {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: %v", r.ID, name, err)
			return nil
		}
		if len(lit) == 0 {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: empty literal", r.ID, name)
			return nil
		}
		if !utf8.Valid(lit) {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: literal is not valid UTF-8 (write characters as \\u{HHHH})", r.ID, name)
			return nil
		}
		if b64 {
			if nocase || wide || s.Fullword {
				c.errorf(d.Pos, r.ID, "rule %s: $%s: base64 cannot be combined with nocase, wide or fullword", r.ID, name)
				return nil
			}
			if expr, err = pattern.Base64Expr(lit); err != nil {
				c.errorf(d.Pos, r.ID, "rule %s: $%s: %v", r.ID, name, err)
				return nil
			}
		} else {
			expr = regexp.QuoteMeta(string(lit))
		}
	case d.Regex != nil:
		if b64 {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: base64 applies to literals only", r.ID, name)
			return nil
		}
		expr = (*d.Regex)[1 : len(*d.Regex)-1]
		if _, err := pattern.Parse(expr); err != nil {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: bad regex: %v", r.ID, name, err)
			return nil
		}
	}
	if nocase {
		expr = "(?i:" + expr + ")"
	}
	if wide {
		re, err := pattern.Parse(expr)
		if err == nil {
			var w *syntax.Regexp
			if w, err = pattern.Wide(re); err == nil {
				expr = "(?:" + expr + "|" + pattern.Format(w) + ")"
			}
		}
		if err != nil {
			c.errorf(d.Pos, r.ID, "rule %s: $%s: %v", r.ID, name, err)
			return nil
		}
	}
	s.Expr = expr
	a, err := pattern.Analyze(expr, s.Window, s.Fast)
	if err != nil {
		c.errorf(d.Pos, r.ID, "rule %s: $%s: %v", r.ID, name, err)
		return nil
	}
	if !a.Selective() {
		c.warnf(d.Pos, r.ID, "rule %s: $%s: no literal of %d bytes or more occurs in every match, so every text is run through the regex (add a literal or a fast \"...\" modifier)", r.ID, name, pattern.MinSelective)
	}
	if a.ProgramSize > maxProgramInsts {
		c.warnf(d.Pos, r.ID, "rule %s: $%s: the compiled pattern has %d instructions (limit %d): tighten the bounds", r.ID, name, a.ProgramSize, maxProgramInsts)
	}
	return s
}

func (c *checker) examples(r *Rule, b *ExampleBlock) []ir.Example {
	var out []ir.Example
	for _, e := range b.Examples {
		text, err := unquote(e.Text)
		if err != nil {
			c.errorf(e.Pos, r.ID, "rule %s: example: %v", r.ID, err)
			continue
		}
		out = append(out, ir.Example{Match: e.Kind == "match", Text: string(text), Pos: posOf(e.Pos)})
	}
	return out
}

func (c *checker) lintExamples(r *Rule, out *ir.Rule) {
	var match, nomatch int
	for _, e := range out.Examples {
		if e.Match {
			match++
		} else {
			nomatch++
		}
	}
	if match < minExamples || nomatch < minExamples {
		c.warnf(r.Pos, r.ID, "rule %s: has %d match and %d nomatch examples; every rule needs at least %d of each", r.ID, match, nomatch, minExamples)
	}
}

// unquote decodes a double-quoted DSL string: \n \t \r \" \\ \xHH \u{HHHH}.
func unquote(q string) ([]byte, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, fmt.Errorf("malformed string %s", q)
	}
	s := q[1 : len(q)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch != '\\' {
			out = append(out, ch)
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf("string ends in a lone backslash")
		}
		i++
		switch s[i] {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case '"', '\\':
			out = append(out, s[i])
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf(`\x needs two hex digits`)
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf(`\x needs two hex digits, got %q`, s[i+1:i+3])
			}
			out = append(out, byte(v))
			i += 2
		case 'u':
			end := strings.IndexByte(s[i:], '}')
			if i+1 >= len(s) || s[i+1] != '{' || end < 0 {
				return nil, fmt.Errorf(`\u must be written \u{HHHH}`)
			}
			hex := s[i+2 : i+end]
			v, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || len(hex) == 0 || len(hex) > 6 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
				return nil, fmt.Errorf(`\u{%s} is not a valid code point`, hex)
			}
			out = utf8.AppendRune(out, rune(v))
			i += end
		default:
			return nil, fmt.Errorf(`unknown escape \%c (expected \n \t \r \" \\ \xHH or \u{HHHH})`, s[i])
		}
	}
	return out, nil
}

// lintFast checks each fast literal against the rule's examples: every match of the string in
// an example must contain it, or the prefilter would miss such matches.
func (c *checker) lintFast(r *Rule, out *ir.Rule) {
	for _, s := range out.Strings {
		if s.Fast == "" {
			continue
		}
		a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
		if err != nil {
			continue
		}
		re, err := regexp.Compile(a.Expr)
		if err != nil {
			continue
		}
		fast := pattern.Fold(s.Fast)
		for _, ex := range out.Examples {
			text := []byte(ex.Text)
			if !s.Raw {
				text, _ = normalize.Text(text)
			}
			for _, loc := range re.FindAllIndex(text, -1) {
				if !strings.Contains(pattern.Fold(string(text[loc[0]:loc[1]])), fast) {
					c.warnf(lexerPos(s.Pos), r.ID, "rule %s: $%s: fast literal %q is missing from the match %q in the example at %s, so the prefilter would miss it", r.ID, s.Name, s.Fast, text[loc[0]:loc[1]], ex.Pos)
					return
				}
			}
		}
	}
}

func lexerPos(p Pos) lexer.Position {
	return lexer.Position{Filename: p.File, Line: p.Line, Column: p.Column}
}
