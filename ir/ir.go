// Package ir holds the intermediate representation of a compiled rule set: what the DSL front end
// produces and what every engine backend consumes. It has no behaviour beyond small helpers, so the
// front end and the matchers stay apart (as regexp/syntax stays apart from regexp).
package ir

import (
	"fmt"
	"strings"
)

// Severity orders findings; a higher value is stricter.
type Severity int

// Severities from weakest to strictest.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name of the severity.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name (case-insensitive).
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", name)
}

// MarshalText encodes the severity by name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Surface names the part of a message a piece of text belongs to.
type Surface string

// Surfaces of a JSON-RPC message, plus Text for input that is not JSON-RPC.
const (
	ToolArgs        Surface = "tool.args"
	ToolResult      Surface = "tool.result"
	ToolDescription Surface = "tool.description"
	Prompt          Surface = "prompt"
	Resource        Surface = "resource"
	Text            Surface = "text"
)

// ScopeAny in a rule's scope makes it apply to every surface.
const ScopeAny Surface = "any"

// ScopeNames lists the names a rule's scope may use.
var ScopeNames = []Surface{ToolArgs, ToolResult, ToolDescription, Prompt, Resource, ScopeAny}

// RuleSet is a compiled set of rules, ready for a backend.
type RuleSet struct {
	Rules []*Rule `json:"rules"`
}

// Rule is one detection rule.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Category string   `json:"category"`
	// Secret marks a rule whose matches are secret values (credentials, personal data): the
	// excerpts of its findings are masked.
	Secret bool              `json:"secret,omitempty"`
	Meta   map[string]string `json:"meta,omitempty"`
	// Scope lists the surfaces the rule applies to; empty means any.
	Scope    []Surface `json:"scope,omitempty"`
	Strings  []*String `json:"strings"`
	Cond     *Cond     `json:"condition"`
	Examples []Example `json:"examples,omitempty"`
	Pos      Position  `json:"pos"`
	// Source is the rule's text as written, for explain.
	Source string `json:"source,omitempty"`
}

// Title returns the rule's one-line title.
func (r *Rule) Title() string { return r.Meta["title"] }

// AppliesTo reports whether the rule scans text of the given surface. Plain text is scanned by
// every rule.
func (r *Rule) AppliesTo(s Surface) bool {
	if s == Text || len(r.Scope) == 0 {
		return true
	}
	for _, sc := range r.Scope {
		if sc == s || sc == ScopeAny {
			return true
		}
	}
	return false
}

// String is one pattern of a rule, already lowered to a Go RE2 expression.
type String struct {
	// Name is the identifier without '$'.
	Name string `json:"name"`
	// Expr is the RE2 expression that defines the matches (modifiers nocase, wide and base64
	// are already folded in).
	Expr string `json:"expr"`
	// Literal is true when the string was written as a literal.
	Literal bool `json:"literal,omitempty"`
	// Fullword requires the match not to touch a letter, digit or '_' on either side.
	Fullword bool `json:"fullword,omitempty"`
	// Raw strings match the text before normalization.
	Raw bool `json:"raw,omitempty"`
	// Private strings never witness a finding alone.
	Private bool `json:"private,omitempty"`
	// Window bounds unbounded repeats to this many repetitions (0: none allowed).
	Window int `json:"window,omitempty"`
	// Fast overrides the prefilter literal.
	Fast string   `json:"fast,omitempty"`
	Pos  Position `json:"pos"`
}

// Example is one embedded test case of a rule.
type Example struct {
	Match bool     `json:"match"`
	Text  string   `json:"text"`
	Pos   Position `json:"pos"`
}

// Position locates a construct in a rule file.
type Position struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line:col.
func (p Position) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// CondOp is the kind of a condition node.
type CondOp int

// Condition node kinds.
const (
	// CondMatch: string Strings[0] has at least one match.
	CondMatch CondOp = iota
	// CondCount: number of matches of Strings[0] compared with N, or with the number of
	// matches of Strings[1] when there are two.
	CondCount
	// CondOffset: start offset of match Index (1-based) of Strings[0] compared with N; false when
	// there is no such match.
	CondOffset
	// CondOf: at least N (All: all) of Strings match.
	CondOf
	// CondNear: some matches of Strings[0] and Strings[1] are at most N bytes apart.
	CondNear
	// CondBefore: some match of Strings[0] ends at most N bytes before a match of Strings[1] starts.
	CondBefore
	CondAnd
	CondOr
	CondNot
)

// CmpOp is a comparison operator.
type CmpOp string

// Comparison operators.
const (
	EQ CmpOp = "=="
	NE CmpOp = "!="
	LT CmpOp = "<"
	LE CmpOp = "<="
	GT CmpOp = ">"
	GE CmpOp = ">="
)

// Compare applies the operator to a and b.
func (op CmpOp) Compare(a, b int) bool {
	switch op {
	case EQ:
		return a == b
	case NE:
		return a != b
	case LT:
		return a < b
	case LE:
		return a <= b
	case GT:
		return a > b
	case GE:
		return a >= b
	}
	return false
}

// Cond is a node of a rule's condition. Strings hold indexes into the rule's Strings.
type Cond struct {
	Op      CondOp  `json:"op"`
	Strings []int   `json:"strings,omitempty"`
	Cmp     CmpOp   `json:"cmp,omitempty"`
	N       int     `json:"n,omitempty"`
	Index   int     `json:"index,omitempty"`
	All     bool    `json:"all,omitempty"`
	Args    []*Cond `json:"args,omitempty"`
}
