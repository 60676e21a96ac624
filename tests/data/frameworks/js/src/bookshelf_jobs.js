const knex = require("knex")({ client: "pg" });
const bookshelf = require("bookshelf")(knex);

const Lifecycle = bookshelf.model("Lifecycle", { tableName: "cl.lifecycle_state" });
const Person = bookshelf.Model.extend({ tableName: "outreach.people" });

async function go(id) {
  await Lifecycle.forge({ id }).save({ state: "x" }, { patch: true });
  await new Person({ id }).save(); // own table
  await new Lifecycle({ id }).destroy();
  await Lifecycle.where({ id }).destroy();
  await Lifecycle.where({ id }).fetch(); // a read
}

module.exports = { go };
