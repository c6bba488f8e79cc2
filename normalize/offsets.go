// Package normalize turns text into the form rules match: invisible format characters removed
// and NFKC applied. Every transformation keeps an offset map back to the bytes it came from, so a
// finding can point into the original input.
package normalize

import "sort"

// Map maps byte offsets of a transformed text back to the text it was made from. It is a list of
// units: a linear unit maps byte for byte; any other unit maps as a whole. A nil *Map is the
// identity.
type Map struct {
	units []unit
	out   int // length of the transformed text
	in    int // length of the source text
}

type unit struct {
	out, in       int // start offsets
	outLen, inLen int
}

func (u unit) linear() bool { return u.outLen == u.inLen }

// Add appends a unit: the next outLen bytes of the transformed text came from the next inLen
// bytes of the source. Byte-for-byte runs are merged.
func (m *Map) Add(outLen, inLen int) {
	if outLen == 0 && inLen == 0 {
		return
	}
	if n := len(m.units); n > 0 && outLen == inLen {
		last := &m.units[n-1]
		if last.linear() && last.out+last.outLen == m.out && last.in+last.inLen == m.in {
			last.outLen += outLen
			last.inLen += inLen
			m.out += outLen
			m.in += inLen
			return
		}
	}
	m.units = append(m.units, unit{out: m.out, in: m.in, outLen: outLen, inLen: inLen})
	m.out += outLen
	m.in += inLen
}

// Len returns the lengths of the transformed and source texts.
func (m *Map) Len() (out, in int) { return m.out, m.in }

// Units returns the number of units (for tests and sizing).
func (m *Map) Units() int {
	if m == nil {
		return 0
	}
	return len(m.units)
}

// find returns the unit containing transformed offset p, or -1.
func (m *Map) find(p int) int {
	i := sort.Search(len(m.units), func(i int) bool {
		u := m.units[i]
		return u.out+u.outLen > p
	})
	if i == len(m.units) {
		return -1
	}
	return i
}

// Start maps the offset of a first byte (a match start).
func (m *Map) Start(p int) int {
	if m == nil {
		return p
	}
	if p >= m.out {
		return m.in
	}
	i := m.find(p)
	u := m.units[i]
	if u.linear() {
		return u.in + p - u.out
	}
	return u.in
}

// End maps an exclusive end offset (a match end).
func (m *Map) End(p int) int {
	if m == nil {
		return p
	}
	if p <= 0 {
		if len(m.units) > 0 {
			return m.units[0].in
		}
		return 0
	}
	if p > m.out {
		return m.in
	}
	u := m.units[m.find(p-1)]
	if u.linear() {
		return u.in + p - u.out
	}
	return u.in + u.inLen
}

// Inverse maps a source offset forward to the transformed text: the start of the unit that holds
// it (for a linear unit, the exact byte).
func (m *Map) Inverse(q int) int {
	if m == nil {
		return q
	}
	i := sort.Search(len(m.units), func(i int) bool {
		u := m.units[i]
		return u.in+u.inLen > q
	})
	if i == len(m.units) {
		return m.out
	}
	u := m.units[i]
	if u.linear() && q >= u.in {
		return u.out + q - u.in
	}
	return u.out
}

// Chain composes maps: Chain{a, b} maps through b first, then a (b's source is a's output).
type Chain []*Map

// Start maps a start offset through every map.
func (c Chain) Start(p int) int {
	for i := len(c) - 1; i >= 0; i-- {
		p = c[i].Start(p)
	}
	return p
}

// End maps an end offset through every map.
func (c Chain) End(p int) int {
	for i := len(c) - 1; i >= 0; i-- {
		p = c[i].End(p)
	}
	return p
}

// Inverse maps a source offset forward through every map.
func (c Chain) Inverse(q int) int {
	for _, m := range c {
		q = m.Inverse(q)
	}
	return q
}

// Forget drops the leading units that end at or before out in the transformed text and at or
// before in in the source, keeping a streamed map as small as the window it serves. Offsets are
// unchanged; offsets in the dropped part can no longer be mapped.
func (m *Map) Forget(out, in int) {
	k := 0
	for k < len(m.units) {
		u := m.units[k]
		if u.out+u.outLen > out || u.in+u.inLen > in {
			break
		}
		k++
	}
	if k == 0 {
		return
	}
	if k == len(m.units) {
		// Keep the last unit: a linear one may still grow.
		k--
	}
	if k > len(m.units)/2 {
		m.units = append(m.units[:0], m.units[k:]...)
	} else {
		m.units = m.units[k:]
	}
}
