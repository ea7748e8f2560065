package io.mlops.api.governance;

/**
 * What a principal may do, after the MLOps RACI. A principal may hold several roles; each adds
 * permissions, none takes any away. No role may approve its holder's own work: the four-eyes rule
 * applies whatever the roles.
 *
 * <table>
 *   <caption>Roles and what they allow</caption>
 *   <tr><th>role</th><th>may</th></tr>
 *   <tr><td>{@link #VIEWER}</td><td>read experiments, runs, models, versions, aliases; obtain scorers</td></tr>
 *   <tr><td>{@link #DATA_SCIENTIST}</td><td>create experiments, runs and datasets; register models and
 *       versions; fill in the model inventory; request approval</td></tr>
 *   <tr><td>{@link #ML_ENGINEER}</td><td>move and delete aliases that are not protected; record outcomes;
 *       read logged predictions</td></tr>
 *   <tr><td>{@link #OUTCOME_RECORDER}</td><td>record the outcomes (ground truth) of served predictions:
 *       the role of the systems that learn them, which need nothing else</td></tr>
 *   <tr><td>{@link #VALIDATOR}</td><td>approve or reject versions; move, delete and roll back protected
 *       aliases; archive versions; read and verify the audit log</td></tr>
 *   <tr><td>{@link #ADMIN}</td><td>grant and revoke roles; delete artifacts; archive versions; read,
 *       verify and anchor the audit log</td></tr>
 * </table>
 *
 * <p>Every role may read.
 */
public enum Role {
    VIEWER,
    DATA_SCIENTIST,
    ML_ENGINEER,
    VALIDATOR,
    ADMIN,
    OUTCOME_RECORDER
}
