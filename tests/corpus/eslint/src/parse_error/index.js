const items = [1, 2, 3];

function total(xs) {
  return xs.reduce((a, b) => a + b, 0;
}

console.log(total(items));
