const { Sequelize, DataTypes } = require("sequelize");
const sequelize = new Sequelize(process.env.DATABASE_URL);

const Lifecycle = sequelize.define("Lifecycle", { state: DataTypes.TEXT }, { tableName: "lifecycle_state", schema: "cl" });
const Person = sequelize.define("Person", {}, { tableName: "people", schema: "outreach" });

async function go() {
  await Lifecycle.update({ state: "x" }, { where: { id: 1 } });
  await Person.create({ id: 1 });                                        // own table
  await Lifecycle.findAll();                                             // a read
  await Lifecycle.destroy({ where: { id: 1 } });
}
module.exports = { go };
