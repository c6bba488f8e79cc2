// Package acmatch is an Aho-Corasick automaton that reports where every literal occurs, not only
// which literals occur, in one pass over the text. Its state is a single integer, so a stream
// can be scanned chunk by chunk by carrying the state from one chunk to the next.
//
// The automaton is a full transition table over byte classes: bytes that occur in no literal
// share one class, so the table stays small (states × distinct literal bytes).
package acmatch

// Automaton matches a fixed set of literals. It is immutable and safe for concurrent use.
type Automaton struct {
	class    [256]uint16
	nclass   int
	trans    []int32 // trans[state*nclass+class]
	outStart []int32 // outputs of state s: outLits[outStart[s]:outStart[s+1]]
	outLits  []int32
	lens     []int32 // literal lengths
}

// Build compiles the literals (each non-empty) into an automaton. Literal i is reported as i.
func Build(literals [][]byte) *Automaton {
	a := &Automaton{lens: make([]int32, len(literals))}
	// Byte classes: class 0 for bytes in no literal.
	seen := [256]bool{}
	for _, l := range literals {
		for _, b := range l {
			seen[b] = true
		}
	}
	a.nclass = 1
	for b := 0; b < 256; b++ {
		if seen[b] {
			a.class[b] = uint16(a.nclass)
			a.nclass++
		}
	}
	// Trie.
	type node struct {
		next map[uint16]int32
		out  []int32
	}
	nodes := []node{{next: map[uint16]int32{}}}
	for i, l := range literals {
		a.lens[i] = int32(len(l))
		s := int32(0)
		for _, b := range l {
			c := a.class[b]
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint16]int32{}})
				nodes[s].next[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(i))
	}
	// Breadth-first: failure links, full transitions, inherited outputs.
	n := len(nodes)
	a.trans = make([]int32, n*a.nclass)
	fail := make([]int32, n)
	outs := make([][]int32, n)
	queue := make([]int32, 0, n)
	outs[0] = nodes[0].out
	for c := 0; c < a.nclass; c++ {
		if child, ok := nodes[0].next[uint16(c)]; ok {
			a.trans[c] = child
			fail[child] = 0
			queue = append(queue, child)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]int32(nil), nodes[s].out...), outs[fail[s]]...)
		for c := 0; c < a.nclass; c++ {
			if child, ok := nodes[s].next[uint16(c)]; ok {
				a.trans[int(s)*a.nclass+c] = child
				fail[child] = a.trans[int(fail[s])*a.nclass+c]
				queue = append(queue, child)
			} else {
				a.trans[int(s)*a.nclass+c] = a.trans[int(fail[s])*a.nclass+c]
			}
		}
	}
	a.outStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.outStart[s] = int32(len(a.outLits))
		a.outLits = append(a.outLits, outs[s]...)
	}
	a.outStart[n] = int32(len(a.outLits))
	return a
}

// Len returns the length of literal i.
func (a *Automaton) Len(i int) int { return int(a.lens[i]) }

// States returns the number of states (for sizing reports).
func (a *Automaton) States() int { return len(a.outStart) - 1 }

// Scan runs the automaton over text from state (0 at the start of a text) and appends the start
// offset (base + index in text) of every occurrence of literal i to positions[i], which must have
// one slot per literal. An occurrence that began in earlier text carried in state is reported
// with its start before base. Scan returns the state to carry into the next chunk; found lists
// the literals that gained their first position, in order.
func (a *Automaton) Scan(state int32, text []byte, base int, positions [][]int, found []int) (int32, []int) {
	nclass := a.nclass
	for i, b := range text {
		state = a.trans[int(state)*nclass+int(a.class[b])]
		lo, hi := a.outStart[state], a.outStart[state+1]
		for _, lit := range a.outLits[lo:hi] {
			if len(positions[lit]) == 0 {
				found = append(found, int(lit))
			}
			positions[lit] = append(positions[lit], base+i+1-int(a.lens[lit]))
		}
	}
	return state, found
}
