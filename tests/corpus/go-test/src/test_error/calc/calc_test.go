package calc

import "testing"

func TestAbsPositive(t *testing.T) {
	if Abs(2) != 2 {
		t.Fatal("Abs(2) is wrong")
	}
}

func TestAdd(t *testing.T) {
	if got := Add(2, 2); got != 4 {
		t.Errorf("got %d want %d", got, 4)
	}
}

func TestAbs(t *testing.T) {
	cases := []struct {
		name string
		in   int
		want int
	}{
		{"positive", 3, 3},
		{"negative", -3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Abs(c.in); got != c.want {
				t.Errorf("Abs(%d) = %d, want %d", c.in, got, c.want)
			}
		})
	}
}
