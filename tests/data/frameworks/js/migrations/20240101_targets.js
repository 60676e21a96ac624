exports.up = async function (knex) {
  await knex.schema.withSchema("outreach").createTable("company_target", (t) => {
    t.increments("id");
    t.string("company_unique_id").references("company_unique_id").inTable("cl.company_identity").onDelete("RESTRICT");
    t.integer("lifecycle_id").unsigned().references("cl.lifecycle_state.id").onDelete("CASCADE");
    t.string("name");
  });
  await knex.schema.alterTable("people", (t) => {
    t.foreign("company_id").references("id").inTable("cl.company_identity");
    t.foreign("target_id").references("id").inTable("outreach.company_target").onDelete("CASCADE");
  });
};

exports.down = async function (knex) {
  await knex.schema.withSchema("outreach").dropTable("company_target");
};
