//go:build hyperscan

package hsmatch

import "sync"

// slot is what one library call needs: a scratch space and a match buffer.
type slot struct {
	scratch hsScratch
	sink    sink
}

// scratchPool lends slots to scans. Slots are cloned from a prototype scratch on
// demand, so there are as many as there were calls at once, and each serves one call at a time.
// A sync.Pool would drop slots without freeing their C memory.
type scratchPool struct {
	mu    sync.Mutex
	proto hsScratch
	idle  []*slot
	all   []*slot
}

func newScratchPool(d hsDB) (*scratchPool, error) {
	proto, err := allocScratch(d)
	if err != nil {
		return nil, err
	}
	return &scratchPool{proto: proto}, nil
}

func (p *scratchPool) get() (*slot, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		s := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return s, nil
	}
	scratch, err := p.proto.clone()
	if err != nil {
		return nil, err
	}
	s := &slot{scratch: scratch, sink: newSink()}
	p.all = append(p.all, s)
	return s, nil
}

func (p *scratchPool) put(s *slot) {
	p.mu.Lock()
	p.idle = append(p.idle, s)
	p.mu.Unlock()
}

// free releases every slot and the prototype; no slot may be in use.
func (p *scratchPool) free() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.all {
		s.scratch.free()
		s.sink.free()
	}
	p.all, p.idle = nil, nil
	p.proto.free()
	p.proto = hsScratch{}
}
