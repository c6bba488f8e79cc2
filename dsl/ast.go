package dsl

import "github.com/alecthomas/participle/v2/lexer"

// The grammar structs below are the AST: participle fills them from the tokens.

// File is one rule file.
type File struct {
	Pos   lexer.Position
	Rules []*Rule `parser:"@@*"`
}

// Rule is one `rule ID { ... }` block. Its items may come in any order; the checker reports
// missing or repeated ones.
type Rule struct {
	Pos    lexer.Position
	EndPos lexer.Position
	ID     string  `parser:"\"rule\" @Ident \"{\""`
	Items  []*Item `parser:"@@* \"}\""`
}

// Item is one clause of a rule. Secret is the bare marker `secret`: the rule's matches are
// secret values, so their excerpts are masked.
type Item struct {
	Pos       lexer.Position
	Severity  *string       `parser:"\"severity\" @Ident"`
	Category  *string       `parser:"| \"category\" @Ident"`
	Secret    bool          `parser:"| @\"secret\""`
	Meta      *MetaBlock    `parser:"| \"meta\" @@"`
	Scope     []string      `parser:"| \"scope\" @Ident (\",\" @Ident)*"`
	Strings   *StringsBlock `parser:"| \"strings\" @@"`
	Condition *Expr         `parser:"| \"condition\" \":\" @@"`
	Examples  *ExampleBlock `parser:"| \"examples\" @@"`
}

// MetaBlock is `meta { key = "value", ... }`.
type MetaBlock struct {
	Entries []*MetaEntry `parser:"\"{\" (@@ \",\"?)* \"}\""`
}

// MetaEntry is one `key = "value"`.
type MetaEntry struct {
	Pos   lexer.Position
	Key   string `parser:"@Ident \"=\""`
	Value string `parser:"@String"`
}

// StringsBlock is `strings { $a = ... }`.
type StringsBlock struct {
	Defs []*StringDef `parser:"\"{\" @@* \"}\""`
}

// StringDef defines one string: a literal or a regex, and its modifiers.
type StringDef struct {
	Pos       lexer.Position
	Name      string      `parser:"@StrID \"=\""`
	Literal   *string     `parser:"( @String"`
	Regex     *string     `parser:"| @Regex )"`
	Modifiers []*Modifier `parser:"@@*"`
}

// Modifier is one string modifier.
type Modifier struct {
	Pos    lexer.Position
	Window *int    `parser:"\"window\" @Int"`
	Fast   *string `parser:"| \"fast\" @String"`
	Flag   string  `parser:"| @(\"nocase\" | \"fullword\" | \"wide\" | \"base64\" | \"raw\" | \"private\")"`
}

// ExampleBlock is `examples { match "..." nomatch "..." }`.
type ExampleBlock struct {
	Examples []*Example `parser:"\"{\" @@* \"}\""`
}

// Example is one embedded test case.
type Example struct {
	Pos  lexer.Position
	Kind string `parser:"@(\"match\" | \"nomatch\")"`
	Text string `parser:"@String"`
}

// Expr is a disjunction.
type Expr struct {
	Pos   lexer.Position
	Left  *AndExpr   `parser:"@@"`
	Right []*AndExpr `parser:"(\"or\" @@)*"`
}

// AndExpr is a conjunction.
type AndExpr struct {
	Pos   lexer.Position
	Left  *NotExpr   `parser:"@@"`
	Right []*NotExpr `parser:"(\"and\" @@)*"`
}

// NotExpr is a negation or a primary term.
type NotExpr struct {
	Pos     lexer.Position
	Not     *NotExpr `parser:"\"not\" @@"`
	Primary *Primary `parser:"| @@"`
}

// Primary is an atomic condition.
type Primary struct {
	Pos    lexer.Position
	Paren  *Expr       `parser:"\"(\" @@ \")\""`
	Of     *OfExpr     `parser:"| @@"`
	Count  *CountExpr  `parser:"| @@"`
	Offset *OffsetExpr `parser:"| @@"`
	String *StringTerm `parser:"| @@"`
}

// OfExpr is `any|all|N of (them | $a, $b*)`.
type OfExpr struct {
	Pos   lexer.Position
	Quant string   `parser:"@(\"any\" | \"all\" | Int) \"of\""`
	Them  bool     `parser:"( @\"them\""`
	Items []string `parser:"| \"(\" ( @\"them\" | @StrID (\",\" @StrID)* ) \")\" )"`
}

// CountExpr is `#a OP N` or `#a OP #b`.
type CountExpr struct {
	Pos   lexer.Position
	Name  string  `parser:"@Count"`
	Op    string  `parser:"@Op"`
	N     *int    `parser:"( @Int"`
	Other *string `parser:"| @Count )"`
}

// OffsetExpr is `@a[i] OP N`.
type OffsetExpr struct {
	Pos   lexer.Position
	Name  string `parser:"@Offset \"[\""`
	Index int    `parser:"@Int \"]\""`
	Op    string `parser:"@Op"`
	N     int    `parser:"@Int"`
}

// StringTerm is `$a` or `$a near|before $b within N`.
type StringTerm struct {
	Pos      lexer.Position
	Name     string    `parser:"@StrID"`
	Relation *Relation `parser:"@@?"`
}

// Relation is the `near|before $b within N` tail of a string term.
type Relation struct {
	Pos    lexer.Position
	Kind   string `parser:"@(\"near\" | \"before\")"`
	Other  string `parser:"@StrID \"within\""`
	Within int    `parser:"@Int"`
}
