package stack

import "testing"

func TestPop(t *testing.T) {
	var s Stack
	s.Push(1)
	if got := s.Pop(); got != 1 {
		t.Errorf("got %d want 1", got)
	}
}
