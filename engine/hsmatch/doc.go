// Package hsmatch finds where matches of many Go regular expressions can end, with one pass of
// Vectorscan (a Hyperscan fork) over the text. It is a candidate generator: for every pattern
// and every match (s, e) that Go's regexp FindAllIndex returns on a text, any bytes at all, the
// matcher reports the pattern's id with end offset e. It may report more (rarely, on ordinary
// text); the caller confirms each candidate with Go's regexp, so results are Go's by
// construction.
//
// Translate (pure Go, built everywhere) turns each expression into a byte-level Hyperscan
// expression that over-approximates it. The matcher itself needs cgo and the library, and is
// built with the build tag hyperscan (pkg-config name libhs); without the tag, Available is
// false and Compile and Unmarshal return ErrUnavailable.
//
// A Database holds a block-mode Hyperscan database only. Stream mode is not used: Debian's
// Vectorscan 5.4.9 loses matches across writes there. The expression
// fsockopen\s{0,2}\([^\n]{0,300}(?:exec|...)\s{0,2}\( over
// "00000000000000000000fsockopen(00000000000000000000exec(" written as 52 bytes then 3
// reports nothing, where block mode and other cuts report the end 55. So the engine scans
// streamed text in block mode over overlapping windows.
//
// Scratch space is pooled per Database and shared by every scan. Matches are collected into a
// C-side buffer during each call and handed over in one batch, so there is no Go callback per
// match. A small cgo shim (shim.go) makes the library calls itself: it also pins the SSE
// variant of a multi-target library, whose AVX-512 and AVX2 variants miss matches in the
// version Debian ships (see runtime.go); a self-test guards Compile and Unmarshal against a
// runtime with the first fault, TestAVX2Reproducer keeps the second.
package hsmatch
