//! Small builders shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A table with an auto-increment `id` primary key.
pub fn table(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).if_not_exists().col(big_pk_auto("id")).to_owned()
}

/// A non-null BIGINT reference to `target.id`.
pub fn fk(
    create: &mut TableCreateStatement,
    table: &'static str,
    col: &'static str,
    target: &'static str,
    nullable: bool,
) {
    create.col(if nullable { big_integer_null(col) } else { big_integer(col) });
    create.foreign_key(
        ForeignKey::create()
            .name(format!("fk_{table}_{col}"))
            .from(table, col)
            .to(target, "id")
            .on_delete(ForeignKeyAction::Restrict),
    );
}

pub fn index(table: &'static str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("{}_{}_{}", if unique { "ux" } else { "ix" }, table, cols.join("_"))).table(table).if_not_exists();
    for col in cols {
        idx.col(*col);
    }
    if unique {
        idx.unique();
    }
    idx.to_owned()
}

pub async fn create_all(
    manager: &SchemaManager<'_>,
    tables: Vec<TableCreateStatement>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for t in tables {
        manager.create_table(t).await?;
    }
    for i in indexes {
        manager.create_index(i).await?;
    }
    Ok(())
}

pub async fn drop_all(manager: &SchemaManager<'_>, names: &[&'static str]) -> Result<(), DbErr> {
    for name in names.iter().rev() {
        manager.drop_table(Table::drop().table(*name).if_exists().to_owned()).await?;
    }
    Ok(())
}
