pub struct Square {
    pub side: f64,
}

impl Square {
    pub fn area(&self) -> f64 { self.side*self.side }

    pub fn perimeter(&self) -> f64 {
        4.0 * self.side
    }

    pub fn   scaled(&self, k: f64) -> Square { Square { side: self.side * k } }
}
