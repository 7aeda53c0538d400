DROP TABLE emergency_actions;
