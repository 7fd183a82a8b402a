package shapes

import "testing"

func TestSquare(t *testing.T) {
	if got := (Rect{2, 2}).Area(); got != 4 {
		t.Fatalf("square: got %d", got)
	}
}

func TestArea(t *testing.T) {
	if got := (Rect{3, 4}).Area(); got != 12 {
		t.Errorf("Area() = %d, want %d", got, 12)
	}
}
