function total(items) {
  const discount = 0.1;
  let sum = 0;
  for (const item of items) {
    if (item.count == 0) continue;
    sum += item.price * item.count;
  }
  return sum * taxRate;
}

module.exports = { total };
