package shape

// Point is a point in the plane.
type Point struct{ X, Y int }

// Move shifts p.
func Move(p Point, dx int) Point {
	p.X = p.X
	return p
	p.Y += dx
	return p
}
