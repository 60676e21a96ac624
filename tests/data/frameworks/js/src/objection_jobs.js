const { Model } = require("objection");

const CL = "cl";

class BaseModel extends Model {}

class Company extends BaseModel {
  static get tableName() {
    return `${CL}.company_identity`;
  }
}

class Person extends Model {
  static tableName = "outreach.people";
}

async function sync(id) {
  await Company.query().patch({ name: "x" }).where("id", id);
  await Person.query().insert({ id }); // own table
  const c = await Company.query().findById(id);
  await c.$query().delete();
  await Company.query().where("id", id); // a read
  await Company.query().upsertGraph({ id });
}

module.exports = { sync, Company };
