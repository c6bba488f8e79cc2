package dsl

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/oktsec/oktsec/ir"
)

// condLowering turns a condition AST into IR, resolving string names.
type condLowering struct {
	c     *checker
	rule  *Rule
	index map[string]int
	names []string
	used  []bool
	ok    bool
}

func (c *checker) condition(r *Rule, out *ir.Rule, e *Expr, pos lexer.Position) *ir.Cond {
	l := &condLowering{c: c, rule: r, index: map[string]int{}, used: make([]bool, len(out.Strings)), ok: true}
	for i, s := range out.Strings {
		l.index[s.Name] = i
		l.names = append(l.names, s.Name)
	}
	cond := l.expr(e)
	if !l.ok {
		return nil
	}
	for i, used := range l.used {
		if !used {
			c.warnf(lexer.Position{Filename: out.Strings[i].Pos.File, Line: out.Strings[i].Pos.Line, Column: out.Strings[i].Pos.Column},
				r.ID, "rule %s: string $%s is not used in the condition", r.ID, out.Strings[i].Name)
		}
	}
	if ir.Eval(cond, emptyCounts{}) {
		c.errorf(pos, r.ID, "rule %s: condition holds on empty input, so the rule would fire on everything", r.ID)
		return nil
	}
	return cond
}

func (l *condLowering) fail(p lexer.Position, format string, args ...any) {
	l.ok = false
	l.c.errorf(p, l.rule.ID, "rule %s: "+format, append([]any{l.rule.ID}, args...)...)
}

func (l *condLowering) lookup(p lexer.Position, ref string) int {
	name := ref[1:]
	i, ok := l.index[name]
	if !ok {
		l.fail(p, "condition uses undefined string %s", "$"+name)
		return -1
	}
	l.used[i] = true
	return i
}

func (l *condLowering) expr(e *Expr) *ir.Cond {
	args := []*ir.Cond{l.and(e.Left)}
	for _, r := range e.Right {
		args = append(args, l.and(r))
	}
	if len(args) == 1 {
		return args[0]
	}
	return &ir.Cond{Op: ir.CondOr, Args: args}
}

func (l *condLowering) and(e *AndExpr) *ir.Cond {
	args := []*ir.Cond{l.not(e.Left)}
	for _, r := range e.Right {
		args = append(args, l.not(r))
	}
	if len(args) == 1 {
		return args[0]
	}
	return &ir.Cond{Op: ir.CondAnd, Args: args}
}

func (l *condLowering) not(e *NotExpr) *ir.Cond {
	if e.Not != nil {
		return &ir.Cond{Op: ir.CondNot, Args: []*ir.Cond{l.not(e.Not)}}
	}
	return l.primary(e.Primary)
}

func (l *condLowering) primary(p *Primary) *ir.Cond {
	switch {
	case p.Paren != nil:
		return l.expr(p.Paren)
	case p.Of != nil:
		return l.of(p.Of)
	case p.Count != nil:
		i := l.lookup(p.Count.Pos, "$"+p.Count.Name[1:])
		if p.Count.Other != nil {
			j := l.lookup(p.Count.Pos, "$"+(*p.Count.Other)[1:])
			return &ir.Cond{Op: ir.CondCount, Strings: []int{i, j}, Cmp: ir.CmpOp(p.Count.Op)}
		}
		return &ir.Cond{Op: ir.CondCount, Strings: []int{i}, Cmp: ir.CmpOp(p.Count.Op), N: *p.Count.N}
	case p.Offset != nil:
		i := l.lookup(p.Offset.Pos, "$"+p.Offset.Name[1:])
		if p.Offset.Index < 1 {
			l.fail(p.Offset.Pos, "match index %d in %s[%d] must be 1 or more", p.Offset.Index, p.Offset.Name, p.Offset.Index)
		}
		return &ir.Cond{Op: ir.CondOffset, Strings: []int{i}, Index: p.Offset.Index, Cmp: ir.CmpOp(p.Offset.Op), N: p.Offset.N}
	default:
		t := p.String
		if strings.HasSuffix(t.Name, "*") {
			l.fail(t.Pos, "%s names a set; use it inside any/all/N of (...)", t.Name)
			return nil
		}
		i := l.lookup(t.Pos, t.Name)
		if t.Relation == nil {
			return &ir.Cond{Op: ir.CondMatch, Strings: []int{i}}
		}
		j := l.lookup(t.Relation.Pos, t.Relation.Other)
		op := ir.CondNear
		if t.Relation.Kind == "before" {
			op = ir.CondBefore
		}
		return &ir.Cond{Op: op, Strings: []int{i, j}, N: t.Relation.Within}
	}
}

func (l *condLowering) of(o *OfExpr) *ir.Cond {
	var set []int
	if o.Them || (len(o.Items) == 1 && o.Items[0] == "them") {
		for i := range l.names {
			set = append(set, i)
			l.used[i] = true
		}
	} else {
		seen := map[int]bool{}
		for _, item := range o.Items {
			if strings.HasSuffix(item, "*") {
				prefix := item[1 : len(item)-1]
				found := false
				for i, n := range l.names {
					if strings.HasPrefix(n, prefix) {
						found = true
						l.used[i] = true
						if !seen[i] {
							seen[i] = true
							set = append(set, i)
						}
					}
				}
				if !found {
					l.fail(o.Pos, "no string matches %s", item)
				}
				continue
			}
			if i := l.lookup(o.Pos, item); i >= 0 && !seen[i] {
				seen[i] = true
				set = append(set, i)
			}
		}
	}
	c := &ir.Cond{Op: ir.CondOf, Strings: set}
	switch o.Quant {
	case "any":
		c.N = 1
	case "all":
		c.All, c.N = true, len(set)
	default:
		n, _ := strconv.Atoi(o.Quant)
		if n < 1 || n > len(set) {
			l.fail(o.Pos, "%d of a set of %d strings can never hold", n, len(set))
		}
		c.N = n
	}
	return c
}

// emptyCounts is the state of a text in which no string matched.
type emptyCounts struct{}

func (emptyCounts) Count(int) int                 { return 0 }
func (emptyCounts) Offset(int, int) (int, bool)   { return 0, false }
func (emptyCounts) Near(int, int, int, bool) bool { return false }
