// Package engine scans content with a compiled rule set and returns findings and a verdict.
//
// # Units and surfaces
//
// Input is cut into units, each scanned on its own: every string (keys included) of a JSON-RPC
// message, attributed to the surface it belongs to (tool.args, tool.result, tool.description,
// prompt, resource), or a whole document as the surface text. A rule applies to a unit when its
// scope names the unit's surface; every rule applies to text.
//
// # Normalization
//
// A unit's text is decoded (JSON escapes undone), then normalized: invisible format characters
// removed and NFKC applied (package normalize). Offset maps lead every byte back to the input,
// so findings point into the original bytes. Strings marked raw see the decoded text before
// normalization.
//
// # Matching
//
// The matches of a string are, by definition, those of regexp.FindAllIndex on the whole unit:
// leftmost-first and non-overlapping. NewReferenceScanner computes exactly that. The fast path
// finds the same matches without running every expression over every byte:
//
//   - Each expression is analysed (package pattern) into prefilters, one per branch of a
//     top-level alternation: a primary literal set with the offsets at which it starts in a
//     match, and secondary literal sets with theirs.
//   - One Aho-Corasick pass (package acmatch) over the case-folded text reports every
//     occurrence of every literal.
//   - A primary literal found at h means a match may start in [h-off.max, h-off.min]; the range
//     is kept only when every secondary literal occurs where such a match would hold it, and is
//     narrowed to the starts the tightest secondary literal allows. Narrow ranges of branches
//     are probed with the branch alone.
//   - Conditions are evaluated lazily: a string's candidate ranges are confirmed with Go's
//     regexp (anchored attempts on narrow ranges, a bounded window otherwise) only when a
//     condition asks for its matches. The leftmost-first chain is replayed over the ranges in
//     order, so the result equals the whole-text definition.
//
// Case folding for the prefilter keeps byte lengths; the few runes whose case variants differ
// in length (U+212A KELVIN SIGN and k) are searched around explicitly.
//
// # Verdicts
//
// A rule fires at most once per unit. Severity maps to a decision (critical: block, high:
// quarantine, medium: flag, low and info: allow) and the strictest finding sets the verdict.
package engine
