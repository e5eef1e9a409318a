//! Request-scoped batch loaders. They are built for each request (a loader kept on
//! the schema would cache across requests, async-graphql #1567), and each turns the
//! keys of one resolver level into one query through `ledger::queries`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait};

use crate::error::Error;
use crate::ledger::entities::*;
use crate::ledger::positions::Positions;
use crate::ledger::queries;
use crate::performance::{assessment, assessment_point};
use crate::targets::entities::{indicator, indicator_actual, performance_target};

type LoadError = Arc<Error>;

/// Rows of `E` whose `column` is the key, grouped by it.
pub struct RowsBy<E: EntityTrait> {
    db: DatabaseConnection,
    column: E::Column,
}

impl<E> Loader<i64> for RowsBy<E>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: ColumnTrait + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = queries::rows_in::<E>(&self.db, self.column, keys).await.map_err(Arc::new)?;
        let column = self.column;
        Ok(queries::group(rows, |m| match m.get(column) {
            sea_orm::Value::BigInt(Some(v)) => v,
            sea_orm::Value::Int(Some(v)) => v as i64,
            _ => 0,
        }))
    }
}

/// Rows of `E` by primary key.
pub struct ById<E: EntityTrait>(RowsBy<E>);

impl<E> Loader<i64> for ById<E>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Clone + Send + Sync + 'static,
    E::Column: ColumnTrait + Send + Sync,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let grouped = self.0.load(keys).await?;
        Ok(grouped.into_iter().filter_map(|(k, mut v)| v.pop().map(|m| (k, m))).collect())
    }
}

/// Each project's money positions as of the request's date (domain.md §4a).
pub struct TotalsLoader {
    db: DatabaseConnection,
    as_of: NaiveDate,
}

impl Loader<i64> for TotalsLoader {
    type Value = Positions;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        queries::project_positions(&self.db, keys, self.as_of).await.map_err(Arc::new)
    }
}

pub struct LatestProgressLoader(DatabaseConnection);

impl Loader<i64> for LatestProgressLoader {
    type Value = progress_report::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        queries::latest_progress(&self.0, keys).await.map_err(Arc::new)
    }
}

/// Whether a principal instalment of one of the project's bonds falls due within 12 months.
pub struct PrincipalDueSoonLoader {
    db: DatabaseConnection,
    today: NaiveDate,
}

impl Loader<i64> for PrincipalDueSoonLoader {
    type Value = bool;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let due = queries::principal_due_soon(&self.db, keys, self.today).await.map_err(Arc::new)?;
        let mut out: HashMap<i64, bool> = keys.iter().map(|k| (*k, false)).collect();
        for id in due {
            out.insert(id, true);
        }
        Ok(out)
    }
}

pub struct BudgetsLoader(DatabaseConnection);

impl Loader<i64> for BudgetsLoader {
    type Value = Arc<Vec<queries::BudgetTable>>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let tables = queries::department_budgets(&self.0, keys).await.map_err(Arc::new)?;
        Ok(tables.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// A bond's schedule, shares and payments.
pub struct BondBookLoader {
    db: DatabaseConnection,
    settings: crate::config::DebtSettings,
}

impl Loader<i64> for BondBookLoader {
    type Value = Arc<crate::debt::BondBook>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let books = crate::debt::load_books(&self.db, &self.settings, Some(keys)).await.map_err(Arc::new)?;
        Ok(books.into_iter().map(|b| (b.bond.id, b)).collect())
    }
}

/// The bonds a project draws on (allocated, or moved to it by an adjustment).
pub struct ProjectBondsLoader(DatabaseConnection);

impl Loader<i64> for ProjectBondsLoader {
    type Value = Vec<i64>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        crate::debt::bonds_of_projects(&self.0, keys).await.map_err(Arc::new)
    }
}

/// Each project's figures on a date, as known at a moment (domain.md §4, §4a): the
/// facts of all the keys of one date and moment load in one batch.
pub struct FiguresLoader {
    db: DatabaseConnection,
    settings: crate::config::DebtSettings,
}

type FiguresKey = (i64, NaiveDate, Option<chrono::DateTime<chrono::Utc>>);

impl Loader<FiguresKey> for FiguresLoader {
    type Value = crate::figures::ProjectFigures;
    type Error = LoadError;

    async fn load(&self, keys: &[FiguresKey]) -> Result<HashMap<FiguresKey, Self::Value>, Self::Error> {
        let mut by_moment: HashMap<(NaiveDate, Option<chrono::DateTime<chrono::Utc>>), Vec<i64>> = HashMap::new();
        for (id, on, known_at) in keys {
            by_moment.entry((*on, *known_at)).or_default().push(*id);
        }
        let mut out = HashMap::new();
        for ((on, known_at), ids) in by_moment {
            let projects = crate::ledger::queries::rows_in::<project::Entity>(&self.db, project::Column::Id, &ids)
                .await
                .map_err(Arc::new)?;
            let facts = crate::facts::load_projects_known(&self.db, &self.settings, projects, known_at)
                .await
                .map_err(Arc::new)?;
            for f in facts {
                out.insert((f.project.id, on, known_at), crate::figures::project_figures(&f, on));
            }
        }
        Ok(out)
    }
}

/// How long a loader gathers keys before it queries; every nesting level of a request
/// waits this long once. Resolving one level of a 200-node page can take more than a
/// millisecond in a debug build, which would split a level into two queries: 10 ms
/// keeps it in one even on a busy machine. A release build is about ten times faster,
/// and 2 ms keeps the wait from dominating a list's latency (bench/graphql.sh).
const BATCH_DELAY: std::time::Duration = std::time::Duration::from_millis(if cfg!(debug_assertions) { 10 } else { 2 });

macro_rules! loaders {
    ($( $field:ident : $ty:ty = $make:expr ),* $(,)?) => {
        /// Every loader of one request.
        pub struct Loaders { $( pub $field: DataLoader<$ty>, )* }
        impl Loaders {
            pub fn new(ctx: &crate::Ctx) -> Self {
                let today = ctx.clock.today();
                Loaders { $( $field: DataLoader::new({ let db = ctx.db.clone(); $make(db, today, ctx) }, tokio::spawn).delay(BATCH_DELAY), )* }
            }
        }
    };
}

fn by<E: EntityTrait>(column: E::Column) -> impl Fn(DatabaseConnection, NaiveDate, &crate::Ctx) -> RowsBy<E> {
    move |db, _, _| RowsBy { db, column }
}

fn id_of<E: EntityTrait>(column: E::Column) -> impl Fn(DatabaseConnection, NaiveDate, &crate::Ctx) -> ById<E> {
    move |db, _, _| ById(RowsBy { db, column })
}

loaders! {
    department: ById<department::Entity> = id_of::<department::Entity>(department::Column::Id),
    project: ById<project::Entity> = id_of::<project::Entity>(project::Column::Id),
    bond: ById<bond::Entity> = id_of::<bond::Entity>(bond::Column::Id),
    indicator: ById<indicator::Entity> = id_of::<indicator::Entity>(indicator::Column::Id),
    projects_by_department: RowsBy<project::Entity> = by::<project::Entity>(project::Column::DepartmentId),
    allocations_by_project: RowsBy<allocation::Entity> = by::<allocation::Entity>(allocation::Column::ProjectId),
    allocations_by_bond: RowsBy<allocation::Entity> = by::<allocation::Entity>(allocation::Column::BondId),
    receipts_by_allocation: RowsBy<receipt::Entity> = by::<receipt::Entity>(receipt::Column::AllocationId),
    amortizations_by_bond: RowsBy<bond_amortization::Entity> = by::<bond_amortization::Entity>(bond_amortization::Column::BondId),
    progress_by_project: RowsBy<progress_report::Entity> = by::<progress_report::Entity>(progress_report::Column::ProjectId),
    forecast_by_project: RowsBy<revenue_forecast::Entity> = by::<revenue_forecast::Entity>(revenue_forecast::Column::ProjectId),
    plan_by_project: RowsBy<spending_plan_month::Entity> = by::<spending_plan_month::Entity>(spending_plan_month::Column::ProjectId),
    revenue_by_project: RowsBy<revenue_record::Entity> = by::<revenue_record::Entity>(revenue_record::Column::ProjectId),
    targets_by_project: RowsBy<performance_target::Entity> = by::<performance_target::Entity>(performance_target::Column::ProjectId),
    targets_by_department: RowsBy<performance_target::Entity> = by::<performance_target::Entity>(performance_target::Column::DepartmentId),
    indicators_by_target: RowsBy<indicator::Entity> = by::<indicator::Entity>(indicator::Column::TargetId),
    actuals_by_indicator: RowsBy<indicator_actual::Entity> = by::<indicator_actual::Entity>(indicator_actual::Column::IndicatorId),
    assessments_by_project: RowsBy<assessment::Entity> = by::<assessment::Entity>(assessment::Column::ProjectId),
    points_by_assessment: RowsBy<assessment_point::Entity> = by::<assessment_point::Entity>(assessment_point::Column::AssessmentId),
    target_by_id: ById<performance_target::Entity> = id_of::<performance_target::Entity>(performance_target::Column::Id),
    totals: TotalsLoader = |db, today, _| TotalsLoader { db, as_of: today },
    latest_progress: LatestProgressLoader = |db, _, _| LatestProgressLoader(db),
    principal_due_soon: PrincipalDueSoonLoader = |db, today, _| PrincipalDueSoonLoader { db, today },
    budgets: BudgetsLoader = |db, _, _| BudgetsLoader(db),
    alerts_by_project: RowsBy<crate::monitoring::store::alert::Entity> = by::<crate::monitoring::store::alert::Entity>(crate::monitoring::store::alert::Column::ProjectId),
    evaluations_by_project: RowsBy<crate::performance::stored::Entity> = by::<crate::performance::stored::Entity>(crate::performance::stored::Column::ProjectId),
    events_by_alert: RowsBy<crate::monitoring::store::alert_event::Entity> = by::<crate::monitoring::store::alert_event::Entity>(crate::monitoring::store::alert_event::Column::AlertId),
    alert: ById<crate::monitoring::store::alert::Entity> = id_of::<crate::monitoring::store::alert::Entity>(crate::monitoring::store::alert::Column::Id),
    rectifications_by_project: RowsBy<crate::performance::rectification::Entity> = by::<crate::performance::rectification::Entity>(crate::performance::rectification::Column::ProjectId),
    steps_by_rectification: RowsBy<crate::performance::rectification_step::Entity> = by::<crate::performance::rectification_step::Entity>(crate::performance::rectification_step::Column::RectificationId),
    self_evaluations_by_project: RowsBy<crate::performance::self_evaluation::Entity> = by::<crate::performance::self_evaluation::Entity>(crate::performance::self_evaluation::Column::ProjectId),
    bond_books: BondBookLoader = |db, _, ctx: &crate::Ctx| BondBookLoader { db, settings: ctx.settings.debt.clone() },
    project_bonds: ProjectBondsLoader = |db, _, _| ProjectBondsLoader(db),
    figures: FiguresLoader = |db, _, ctx: &crate::Ctx| FiguresLoader { db, settings: ctx.settings.debt.clone() },
}

/// A loader error as an extended GraphQL error.
pub fn load_err(e: LoadError) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    e.extend()
}
