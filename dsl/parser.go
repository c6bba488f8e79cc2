package dsl

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// ruleLexer tokenizes rule files. A '#' followed by a letter or '_' is a count (#a); any other
// '#' starts a comment, as does '//'.
var ruleLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Count", Pattern: `#[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Comment", Pattern: `//[^\n]*|#[^\n]*`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\\n])*"`},
	{Name: "Regex", Pattern: `/(?:\\.|[^/\\\n])+/`},
	{Name: "Offset", Pattern: `@[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "StrID", Pattern: `\$[A-Za-z0-9_]*\*?`},
	{Name: "Int", Pattern: `[0-9]+`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*`},
	{Name: "Op", Pattern: `>=|<=|==|!=|[<>]`},
	{Name: "Punct", Pattern: `[{}()\[\],=:]`},
})

var fileParser = participle.MustBuild[File](
	participle.Lexer(ruleLexer),
	participle.Elide("Whitespace", "Comment"),
	participle.UseLookahead(2),
)

// Parse parses one rule file into its AST. A syntax error comes back as a Diagnostic with the
// file, line and column and what was expected there.
func Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// The parser should never panic; if it does, the file is reported, not the process.
		if r := recover(); r != nil {
			f, err = nil, &Diagnostic{Pos: Pos{File: filename, Line: 1, Column: 1},
				Msg: fmt.Sprintf("internal parser error: %v", r)}
		}
	}()
	f, err = fileParser.ParseBytes(filename, src)
	if err != nil {
		return nil, syntaxDiagnostic(filename, err)
	}
	return f, nil
}

func syntaxDiagnostic(filename string, err error) *Diagnostic {
	var perr participle.Error
	if errors.As(err, &perr) {
		p := perr.Position()
		return &Diagnostic{Pos: Pos{File: filename, Line: p.Line, Column: p.Column}, Msg: perr.Message()}
	}
	return &Diagnostic{Pos: Pos{File: filename, Line: 1, Column: 1}, Msg: err.Error()}
}
