// Package engine scans content with a compiled rule set and returns findings and a verdict.
//
// # Units and surfaces
//
// The engine scans units (Unit): pieces of text with the surface they belong to (tool.args,
// tool.result, tool.description, prompt, resource, or text). Cutting content into units is the
// caller's: package frame turns JSON-RPC messages, SSE bodies, JSON Lines and documents into
// units, attributing every string of a message to its surface. A rule applies to a unit when its
// scope names the unit's surface; every rule applies to text. ScanUnits scans the units of one
// message, ScanText one whole text, and a TextStream a text that arrives in pieces.
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
// A TextStream takes a text in pieces and returns the Result ScanText returns for the whole.
// It holds the text whole only up to the unit buffer: longer text is scanned in a window of
// about twice the rule set's longest match, with matches confirmed in order as soon as no later
// text can change them (window.go). Memory does not grow with the text. Settled reports the
// offset before which the text is judged, and Findings the findings so far: rules whose
// condition can only turn true fire there and then (ir.Monotone).
//
// # Deadlines
//
// Scans take a context.Context; a done context stops the scan with an error, never with a
// partial result.
//
// # Findings, not verdicts
//
// A rule fires at most once per unit. The engine reports findings only: the verdict (severity
// to decision, overrides, grouping) is package policy's, and an excerpt is masked when its rule
// is marked secret.
package engine
