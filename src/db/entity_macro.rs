/// The relation enum and behaviour every plain entity needs: relations are walked
/// with explicit queries by id (batched), so none are declared.
#[macro_export]
macro_rules! plain_entity {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}
