// Package engine scans content with a compiled rule set and returns findings and a verdict.
//
// # Framing, units and surfaces
//
// Input that opens with '{' or '[' is a sequence of JSON values (messages, batches, JSON Lines),
// each cut into units on its own; from the first value that is not valid JSON or is longer than
// the message limit, the rest of the input is one text unit, as is input that opens otherwise
// (frame.go). Units are scanned on their own: every string (keys included) of a JSON-RPC
// message, attributed to the surface it belongs to (tool.args, tool.result, tool.description,
// prompt, resource), or a whole text as the surface text. A rule applies to a unit when its
// scope names the unit's surface; every rule applies to text.
//
// # Layers
//
// Runs of encoding characters are searched for base64, percent and hex blobs (package decode);
// each blob is a unit of its own, of its parent's surface, scanned depth first, two encodings
// deep, within per-input budgets (layers.go).
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
// # Streams
//
// Scanner.Scan takes a whole input; a Stream takes it in pieces and returns the same Result.
// A stream holds one JSON message at a time, and a text unit whole only up to the unit buffer:
// longer text is scanned in a window of about twice the rule set's longest match, with matches
// confirmed in order as soon as no later text can change them (window.go). Memory does not grow
// with the input. Progress reports the offset before which content is judged and the findings
// so far: rules whose condition can only turn true fire there and then (ir.Monotone).
//
// # Verdicts
//
// A rule fires at most once per unit. Severity maps to a decision (critical: block, high:
// quarantine, medium: flag, low and info: allow) and the strictest finding sets the verdict.
package engine
