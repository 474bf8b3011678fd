// Times jsonata-js 2.0.6 on the expressions and document that
// internal/asl/jsonata's BenchmarkEvaluate uses, printing ns per
// evaluation in the same table form. Run it through run.sh.
const jsonata = require('jsonata');

const invoice = {"Account":{"Account Name":"Firefly","Order":[
 {"OrderID":"order103","Product":[{"Product Name":"Bowler Hat","ProductID":858383,"SKU":"0406654608","Price":34.45,"Quantity":2},{"Product Name":"Trilby hat","ProductID":858236,"SKU":"0406634348","Price":21.67,"Quantity":1}]},
 {"OrderID":"order104","Product":[{"Product Name":"Bowler Hat","ProductID":858383,"SKU":"040657863","Price":34.45,"Quantity":4},{"Product Name":"Cloak","ProductID":345664,"SKU":"0406654603","Price":107.99,"Quantity":1}]}]}};

const cases = [
  ['field', 'Account.Order[0].OrderID'],
  ['sum', '$sum(Account.Order.Product.(Price * Quantity))'],
  ['filter', 'Account.Order.Product[Price > 30].SKU'],
  ['object', '{"name": Account.`Account Name`, "orders": $count(Account.Order)}'],
  ['group', 'Account.Order.Product{SKU: $sum(Quantity)}'],
  ['map', '$map(Account.Order.Product, function($p){ $uppercase($p.SKU) })'],
];

async function main() {
  for (const [name, src] of cases) {
    const expr = jsonata(src);
    // Warm up, then time about a second of evaluations.
    for (let i = 0; i < 20000; i++) await expr.evaluate(invoice);
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 1000000000n) {
      for (let i = 0; i < 1000; i++) await expr.evaluate(invoice);
      n += 1000;
      elapsed = process.hrtime.bigint() - start;
    }
    console.log(`jsonata-js/${name}\t${(Number(elapsed) / n).toFixed(0)} ns/op`);
  }
}
main();
