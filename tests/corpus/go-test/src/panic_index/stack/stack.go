package stack

// Stack is a stack of ints.
type Stack struct{ items []int }

// Push adds n on top.
func (s *Stack) Push(n int) { s.items = append(s.items, n) }

// Pop removes the top item.
func (s *Stack) Pop() int {
	top := s.items[len(s.items)]
	s.items = s.items[:len(s.items)-1]
	return top
}
