package shapes

// Rect is an axis-aligned rectangle.
type Rect struct{ W, H int }

// Area returns the rectangle's area.
func (r Rect) Area() int { return r.W + r.H }
