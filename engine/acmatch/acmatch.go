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
	// Trie, stored directly in the transition table: -1 marks a missing edge.
	total := 1
	for _, l := range literals {
		total += len(l)
	}
	a.trans = make([]int32, 0, total*a.nclass)
	out := make([][]int32, 0, total)
	newState := func() int32 {
		for c := 0; c < a.nclass; c++ {
			a.trans = append(a.trans, -1)
		}
		out = append(out, nil)
		return int32(len(out) - 1)
	}
	newState()
	for i, l := range literals {
		a.lens[i] = int32(len(l))
		s := int32(0)
		for _, b := range l {
			at := int(s)*a.nclass + int(a.class[b])
			if a.trans[at] < 0 {
				child := newState()
				a.trans[at] = child
			}
			s = a.trans[at]
		}
		out[s] = append(out[s], int32(i))
	}
	// Breadth-first: failure links, full transitions, inherited outputs.
	n := len(out)
	fail := make([]int32, n)
	queue := make([]int32, 0, n)
	for c := 0; c < a.nclass; c++ {
		if child := a.trans[c]; child > 0 {
			queue = append(queue, child)
		} else {
			a.trans[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if len(out[fail[s]]) > 0 {
			out[s] = append(out[s], out[fail[s]]...)
		}
		row := int(s) * a.nclass
		frow := int(fail[s]) * a.nclass
		for c := 0; c < a.nclass; c++ {
			if child := a.trans[row+c]; child >= 0 {
				fail[child] = a.trans[frow+c]
				queue = append(queue, child)
			} else {
				a.trans[row+c] = a.trans[frow+c]
			}
		}
	}
	// Renumber states breadth-first, so the shallow states that most bytes visit sit together
	// at the start of the table.
	order := make([]int32, 0, n) // new -> old
	newID := make([]int32, n)    // old -> new
	visited := make([]bool, n)
	order = append(order, 0)
	visited[0] = true
	for i := 0; i < len(order); i++ {
		row := int(order[i]) * a.nclass
		for c := 0; c < a.nclass; c++ {
			if t := a.trans[row+c]; !visited[t] {
				visited[t] = true
				order = append(order, t)
			}
		}
	}
	for i, old := range order {
		newID[old] = int32(i)
	}
	trans := make([]int32, len(order)*a.nclass)
	for i, old := range order {
		for c := 0; c < a.nclass; c++ {
			trans[i*a.nclass+c] = newID[a.trans[int(old)*a.nclass+c]]
		}
	}
	a.trans = trans
	n = len(order)
	a.outStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.outStart[s] = int32(len(a.outLits))
		a.outLits = append(a.outLits, out[order[s]]...)
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

// Classes returns the number of byte classes.
func (a *Automaton) Classes() int { return a.nclass }
